import { addDays, shanghaiDate } from "@warmline/shared";
import type { Context } from "koa";
import { type DataSource, In, IsNull } from "typeorm";
import { AppError } from "../../http/errors";
import { Community } from "../accounts";
import { audit } from "../audit";
import { StaffRoleGrant, StaffUser } from "../staff";
import { StaffCommunityAssignment } from "./entities";
import { ASSIGNABLE_ROLES, staffWithRoles } from "./scope";

/** Grid workers and technicians with the communities they cover today (assignment rows, then the legacy field). */
export async function assignmentsView(ds: DataSource) {
  const today = shanghaiDate(new Date());
  const staff = await staffWithRoles(ds, ASSIGNABLE_ROLES);
  const ids = staff.map((s) => s.id);
  const rows = ids.length ? await ds.getRepository(StaffCommunityAssignment).findBy({ staffId: In(ids) }) : [];
  const grants = ids.length ? await ds.getRepository(StaffRoleGrant).findBy({ staffUserId: In(ids) }) : [];
  const live = rows.filter((r) => r.validFrom <= today && (r.validTo === null || r.validTo >= today));
  const coms = await ds
    .getRepository(Community)
    .findBy({ id: In([...live.map((r) => r.communityId), ...staff.map((s) => s.communityId ?? 0), 0]) });
  const name = new Map(coms.map((c) => [c.id, c.name]));
  return {
    items: staff.map((s) => {
      const mine = live.filter((r) => r.staffId === s.id).map((r) => ({ id: r.communityId, from: r.validFrom }));
      if (s.communityId && !mine.some((c) => c.id === s.communityId)) mine.push({ id: s.communityId, from: "" });
      return {
        staffId: s.id,
        name: s.displayName,
        roles: grants.filter((g) => g.staffUserId === s.id).map((g) => g.role),
        communities: mine.map((c) => ({ ...c, name: name.get(c.id) ?? `#${c.id}` })),
      };
    }),
  };
}

/**
 * Sets the communities a grid worker or technician covers from today: rows no longer wanted end yesterday
 * (or are dropped when they started today), new ones start today; audited with the before and after lists.
 * The month's visit lists follow at the plan job's next run (or a supervisor's 生成计划).
 */
export async function setAssignments(ds: DataSource, ctx: Context, staffId: number, communityIds: number[]) {
  const today = shanghaiDate(new Date());
  const wanted = [...new Set(communityIds)];
  await ds.transaction(async (m) => {
    const staff = await m.getRepository(StaffUser).findOneBy({ id: staffId });
    if (!staff) throw new AppError("STAFF_USER_NOT_FOUND");
    const roles = await m.getRepository(StaffRoleGrant).findBy({ staffUserId: staffId });
    if (!roles.some((r) => ASSIGNABLE_ROLES.includes(r.role))) throw new AppError("VISIT_ASSIGNMENT_INVALID");
    if (wanted.length && (await m.getRepository(Community).countBy({ id: In(wanted) })) !== wanted.length)
      throw new AppError("VISIT_ASSIGNMENT_INVALID");
    const open = await m.getRepository(StaffCommunityAssignment).find({
      where: [
        { staffId, validTo: IsNull() },
        { staffId, validTo: today },
      ],
    });
    const live = open.filter((r) => r.validFrom <= today);
    const before = live.map((r) => r.communityId).sort((a, b) => a - b);
    for (const r of live) {
      if (wanted.includes(r.communityId)) continue;
      if (r.validFrom === today) await m.getRepository(StaffCommunityAssignment).delete({ id: r.id });
      else await m.getRepository(StaffCommunityAssignment).update({ id: r.id }, { validTo: addDays(today, -1) });
    }
    for (const c of wanted) {
      const has = live.find((r) => r.communityId === c);
      if (has) {
        if (has.validTo !== null)
          await m.getRepository(StaffCommunityAssignment).update({ id: has.id }, { validTo: null });
        continue;
      }
      await m
        .getRepository(StaffCommunityAssignment)
        .insert({ staffId, communityId: c, validFrom: today, validTo: null, createdBy: ctx.state.auth?.id ?? null });
    }
    await audit(m, ctx, {
      action: "visit.assign",
      targetType: "staff_user",
      targetId: staffId,
      details: { before, after: [...wanted].sort((a, b) => a - b), from: today },
    });
  });
}
