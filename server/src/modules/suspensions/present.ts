import {
  SUSPENSION_KIND_LABELS,
  SUSPENSION_STATUS_LABELS,
  type SuspensionView,
  VALVE_VISIT_LABELS,
} from "@warmline/shared";
import { In } from "typeorm";
import type { Deps } from "../../deps";
import { HeatingAccount } from "../accounts";
import { linkFor } from "../files";
import { SuspensionApplication, SuspensionEvent } from "./entities";
import { SUSPENSION_PHOTO_FILE } from "./photo";

const EVENT_LABELS: Record<string, string> = {
  submitted: "提交申请",
  approved: "审核通过",
  rejected: "审核未通过",
  visit_scheduled: "安排上门",
  photo_uploaded: "上传阀门照片",
  visit_confirmed: "上门办结",
  withdrawn: "撤回申请",
};

export async function presentApplications(deps: Deps, apps: SuspensionApplication[]): Promise<SuspensionView[]> {
  if (apps.length === 0) return [];
  const ids = apps.map((a) => a.id);
  const accounts = new Map(
    (await deps.ds.getRepository(HeatingAccount).findBy({ id: In([...new Set(apps.map((a) => a.accountId))]) })).map(
      (a) => [a.id, a],
    ),
  );
  const events = await deps.ds
    .getRepository(SuspensionEvent)
    .find({ where: { applicationId: In(ids) }, order: { id: "ASC" } });
  return apps.map((a) => {
    const acc = accounts.get(a.accountId);
    return {
      id: a.id,
      accountId: a.accountId,
      accountNo: acc?.accountNo ?? "",
      address: acc?.address ?? "",
      kind: a.kind,
      kindLabel: SUSPENSION_KIND_LABELS[a.kind],
      seasonCode: a.seasonCode,
      deadline: a.deadline,
      reason: a.reason,
      status: a.status,
      statusLabel: SUSPENSION_STATUS_LABELS[a.status],
      channel: a.channel,
      reviewerName: a.reviewerName,
      reviewNote: a.reviewNote,
      reviewedAt: a.reviewedAt?.toISOString() ?? null,
      visit:
        a.technicianId === null
          ? null
          : {
              technicianId: a.technicianId,
              technicianName: a.technicianName,
              label: VALVE_VISIT_LABELS[a.kind],
              scheduledDate: a.visitDate ?? "",
              photoUrl: a.photoKey ? linkFor(deps.config, SUSPENSION_PHOTO_FILE, a.id).url : null,
              confirmedAt: a.visitConfirmedAt?.toISOString() ?? null,
              note: a.visitNote,
            },
      events: events
        .filter((e) => e.applicationId === a.id)
        .map((e) => ({
          type: e.type,
          label: EVENT_LABELS[e.type] ?? e.type,
          actorName: e.actorKind === "resident" ? "居民" : e.actorName,
          note: e.note,
          at: e.createdAt.toISOString(),
        })),
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
    };
  });
}
