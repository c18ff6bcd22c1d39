import {
  type NoticeImageView,
  NoticeImageSchema,
  type NoticeInput,
  type NoticeState,
  StaffNoticeListSchema,
  StaffNoticeSchema,
  type StaffNoticeView,
} from "@warmline/shared";
import type { z } from "zod";
import { api } from "./api";
import { parseWith } from "./parse";

export type { NoticeImageView, NoticeInput, StaffNoticeView };
export type StaffNoticePage = z.infer<typeof StaffNoticeListSchema>;

export interface NoticeListParams {
  state?: NoticeState;
  page: number;
  pageSize: number;
}

/** 供热公告: newest first, optionally one state (发布中 / 待发布 / 已过期 / 已撤回). */
export async function listNotices(p: NoticeListParams, signal?: AbortSignal): Promise<StaffNoticePage> {
  return parseWith(StaffNoticeListSchema, await api.get("/api/v1/staff/notices", { ...p }, signal));
}

export async function createNotice(input: NoticeInput): Promise<StaffNoticeView> {
  return parseWith(StaffNoticeSchema, await api.post("/api/v1/staff/notices", input));
}

/** Replaces the notice as a whole (every field is sent; an image left out is removed). */
export async function updateNotice(id: number, input: NoticeInput): Promise<StaffNoticeView> {
  return parseWith(StaffNoticeSchema, await api.request(`/api/v1/staff/notices/${id}`, { method: "PUT", body: input }));
}

export async function withdrawNotice(id: number, reason: string): Promise<StaffNoticeView> {
  return parseWith(StaffNoticeSchema, await api.post(`/api/v1/staff/notices/${id}/withdraw`, { reason }));
}

/** One image (multipart field "file"); JPG/PNG/WebP up to 5 MB, checked again by the server. */
export async function uploadNoticeImage(file: Blob, filename?: string): Promise<NoticeImageView> {
  const form = new FormData();
  form.append("file", file, filename ?? (file instanceof File ? file.name : "image"));
  return parseWith(NoticeImageSchema, await api.request("/api/v1/staff/notice-images", { method: "POST", form }));
}
