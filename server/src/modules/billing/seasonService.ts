import { type CreateSeasonInput, defaultDueDate, seasonCalendar } from "@warmline/shared";
import type { DataSource } from "typeorm";
import { AppError } from "../../http/errors";
import { Bill, BillRun, HeatingSeason, Tariff } from "./entities";

export async function presentSeason(ds: DataSource, s: HeatingSeason) {
  const tariffs = await ds.getRepository(Tariff).find({ where: { seasonId: s.id }, order: { category: "ASC" } });
  return {
    id: s.id,
    code: s.code,
    startDate: s.startDate,
    endDate: s.endDate,
    dueDate: s.dueDate,
    lateFeeRateBp: s.lateFeeRateBp,
    lateFeeCapBp: s.lateFeeCapBp,
    status: s.status,
    tariffs: tariffs.map((t) => ({
      category: t.category,
      unitPriceFen: t.unitPriceFen,
      suspensionShareBp: t.suspensionShareBp,
    })),
    billCount: await ds.getRepository(Bill).countBy({ seasonId: s.id }),
  };
}

/**
 * Deletes a season created by mistake, with its tariffs: only while no bill has been issued for it (and no
 * bill run started). The row is locked on MariaDB so a bill run started at the same moment waits for the
 * delete, then finds the season gone.
 */
export async function deleteSeason(ds: DataSource, id: number): Promise<HeatingSeason> {
  return ds.transaction(async (m) => {
    const q = m.getRepository(HeatingSeason).createQueryBuilder("s").where("s.id = :id", { id });
    const season = await (ds.options.type === "better-sqlite3" ? q : q.setLock("pessimistic_write")).getOne();
    if (!season) throw new AppError("SEASON_NOT_FOUND");
    const bills = await m.getRepository(Bill).countBy({ seasonId: id });
    const runs = await m.getRepository(BillRun).countBy({ seasonId: id });
    if (bills > 0 || runs > 0) throw new AppError("SEASON_HAS_BILLS", { billCount: bills });
    await m.getRepository(Tariff).delete({ seasonId: id });
    await m.getRepository(HeatingSeason).delete({ id });
    return season;
  });
}

/** Opens a heating season with its tariffs (one per account category). */
export async function createSeason(ds: DataSource, input: CreateSeasonInput): Promise<HeatingSeason> {
  if (await ds.getRepository(HeatingSeason).existsBy({ code: input.code })) throw new AppError("SEASON_EXISTS");
  const cal = seasonCalendar(input.code);
  const categories = new Set(input.tariffs.map((t) => t.category));
  if (categories.size !== input.tariffs.length) {
    throw new AppError("VALIDATION_FAILED", [{ path: "tariffs", message: "同一用户类别只能有一个收费标准" }]);
  }
  return ds.transaction(async (m) => {
    const season = await m.getRepository(HeatingSeason).save(
      m.getRepository(HeatingSeason).create({
        code: input.code,
        startDate: cal.startDate,
        endDate: cal.endDate,
        dueDate: input.dueDate ?? defaultDueDate(input.code),
        lateFeeRateBp: input.lateFeeRateBp,
        lateFeeCapBp: input.lateFeeCapBp,
        status: "open",
      }),
    );
    for (const t of input.tariffs) {
      await m.getRepository(Tariff).insert({
        seasonId: season.id,
        category: t.category,
        unitPriceFen: t.unitPriceFen,
        suspensionShareBp: t.suspensionShareBp,
      });
    }
    return season;
  });
}
