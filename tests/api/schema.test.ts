import fs from "node:fs";
import { DataSource } from "typeorm";
import { afterAll, describe, expect, it } from "vitest";
import { ENTITIES } from "@warmline/server/src/bootstrap";
import { dataSourceOptions } from "@warmline/server/src/db/dataSource";
import { freshDatabase } from "../support/db";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe("migrations", () => {
  it.each(["mysql", "sqlite"] as const)(
    "build exactly the entities' schema on %s, and revert cleanly",
    async (driver) => {
      const db = await freshDatabase(`schema_${driver}`);
      cleanups.push(db.drop);
      const sqliteFile = `/tmp/warmline-schema-${process.pid}.sqlite`;
      fs.rmSync(sqliteFile, { force: true });
      const ds = new DataSource(
        dataSourceOptions({ driver, url: db.url, sqliteFile, poolSize: 2, flavor: "mariadb" }, ENTITIES),
      );
      await ds.initialize();
      try {
        const applied = await ds.runMigrations();
        expect(applied.length).toBeGreaterThan(0);
        const drift = await ds.driver.createSchemaBuilder().log();
        expect(drift.upQueries.map((q) => q.query)).toEqual([]);
        for (let i = 0; i < applied.length; i++) await ds.undoLastMigration();
        const tables: unknown[] =
          driver === "mysql"
            ? await ds.query("SHOW TABLES")
            : await ds.query("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'");
        expect(tables.map((t) => Object.values(t as object)[0])).toEqual(["schema_migrations"]);
      } finally {
        await ds.destroy();
        fs.rmSync(sqliteFile, { force: true });
      }
    },
  );
});
