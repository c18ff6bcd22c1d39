import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import type { Config } from "../config";
import { MIGRATIONS } from "./migrations";

export type DbDriver = "sqlite" | "mysql";

/** `entities`: every entity of the schema, from the modules (bootstrap.ts ENTITIES). */
// biome-ignore lint/complexity/noBannedTypes: TypeORM takes entity classes
export function dataSourceOptions(db: Config["db"], entities: Function[]): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: "schema_migrations",
    synchronize: false,
    logging: false as const,
  };
  if (db.driver === "mysql") {
    return {
      ...common,
      // "mariadb" makes TypeORM read MariaDB's column defaults correctly; same driver (mysql2) and SQL
      type: db.flavor ?? "mysql",
      url: db.url,
      charset: "utf8mb4_unicode_ci",
      timezone: "Z",
      supportBigNumbers: true,
      bigNumberStrings: false,
      dateStrings: false,
      poolSize: db.poolSize,
      extra: { connectionLimit: db.poolSize, enableKeepAlive: true },
    };
  }
  fs.mkdirSync(path.dirname(db.sqliteFile), { recursive: true });
  return {
    ...common,
    type: "better-sqlite3",
    database: db.sqliteFile,
    enableWAL: true,
    prepareDatabase: (raw: { pragma(s: string): unknown }) => {
      raw.pragma("busy_timeout = 5000");
      raw.pragma("foreign_keys = ON");
    },
  };
}

/** Opens the database. Instants are UTC on both drivers (the MySQL session time zone is pinned). */
// biome-ignore lint/complexity/noBannedTypes: TypeORM takes entity classes
export async function openDataSource(db: Config["db"], entities: Function[]): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(db, entities));
  await ds.initialize();
  if (db.driver === "mysql") {
    const pool = (
      ds.driver as unknown as { pool: { on(ev: string, fn: (c: { query(sql: string): void }) => void): void } }
    ).pool;
    pool.on("connection", (conn) => conn.query("SET time_zone = '+00:00'"));
    // the driver opened one connection before we could listen: it is the idle one this query takes
    await ds.query("SET time_zone = '+00:00'");
  }
  return ds;
}

export function driverOf(ds: DataSource): DbDriver {
  return ds.options.type === "mysql" || ds.options.type === "mariadb" ? "mysql" : "sqlite";
}
