import type { Notification } from "@warmline/shared";
import { request } from "./request";

export async function listNotifications(): Promise<Notification[]> {
  const { items } = await request<{ items: Notification[] }>("/api/v1/me/notifications");
  return items;
}
