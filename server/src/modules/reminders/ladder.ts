import {
  defaultLadder,
  type GradeThresholds,
  type LadderDefinition,
  type LadderIssue,
  LadderDefinitionSchema,
  validateLadder,
} from "@warmline/shared";
import type { Context } from "koa";
import type { DataSource, EntityManager } from "typeorm";
import type { Config } from "../../config";
import { AppError } from "../../http/errors";
import { staffAuth } from "../../http/auth";
import { audit } from "../audit";
import { ReminderLadder } from "./entities";

type Db = DataSource | EntityManager;

export interface LadderVersion {
  version: number;
  definition: LadderDefinition;
  createdAt: Date;
  createdBy: number | null;
  note: string | null;
}

function toVersion(row: ReminderLadder): LadderVersion {
  return {
    version: row.version,
    definition: LadderDefinitionSchema.parse(JSON.parse(row.definition)) as LadderDefinition,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    note: row.note,
  };
}

/** The ladder in force: the highest version; version 1 (the default, from configuration) is written on first use. */
export async function currentLadder(db: Db, config: Pick<Config, "reminders">): Promise<LadderVersion> {
  const repo = db.getRepository(ReminderLadder);
  let row = await repo.findOne({ where: {}, order: { version: "DESC" } });
  if (!row) {
    await db
      .createQueryBuilder()
      .insert()
      .into(ReminderLadder)
      .values({
        version: 1,
        definition: JSON.stringify(defaultLadder(structuredClone(config.reminders.settings))),
        createdBy: null,
        note: "默认阶梯（系统初始化）",
      })
      .orIgnore()
      .updateEntity(false)
      .execute();
    row = await repo.findOneOrFail({ where: {}, order: { version: "DESC" } });
  }
  return toVersion(row);
}

/** The errors of a ladder as one AppError: the first issue's code, every issue in the details. */
export function ladderError(issues: LadderIssue[]): AppError {
  const first = issues[0] as LadderIssue;
  return new AppError(first.code, { issues });
}

/**
 * 修改催缴阶梯 (admin): validated as a whole (validateLadder), stored as a new version, audited with the
 * note. Two saves at once: the unique version makes the second fail with a conflict instead of both winning.
 */
export async function updateLadder(
  ds: DataSource,
  ctx: Context,
  thresholds: GradeThresholds,
  input: { definition: LadderDefinition; note: string },
): Promise<LadderVersion> {
  const issues = validateLadder(input.definition, thresholds);
  if (issues.length) throw ladderError(issues);
  const staff = staffAuth(ctx);
  return ds.transaction(async (m) => {
    const latest = await m.getRepository(ReminderLadder).findOne({ where: {}, order: { version: "DESC" } });
    const version = (latest?.version ?? 0) + 1;
    await m.getRepository(ReminderLadder).insert({
      version,
      definition: JSON.stringify(input.definition),
      createdBy: staff.id,
      note: input.note,
    });
    await audit(m, ctx, {
      action: "reminder.ladder_update",
      targetType: "reminder_ladder",
      targetId: version,
      details: { note: input.note, steps: input.definition.steps.length },
    });
    return toVersion(await m.getRepository(ReminderLadder).findOneByOrFail({ version }));
  });
}
