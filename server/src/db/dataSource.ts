import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import type { Config } from "../config";
import { logger } from "../lib/logger";
import { MIGRATIONS } from "./migrations";

export type DbDriver = "sqlite" | "mysql";

/** `entities`: every entity of the schema, from the modules (bootstrap.ts ENTITIES). */
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
  prepareSqliteFile(db.sqliteFile);
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

/**
 * The SQLite file holds every resident's data: its folder is created 0700 and the file (with its -wal and
 * -shm companions, which SQLite creates with the file's permissions) 0600, whatever the umask. A file left
 * readable by others by an older version is tightened; a folder we did not create is only warned about.
 */
export function prepareSqliteFile(file: string): void {
  const dir = path.dirname(file);
  if (fs.existsSync(dir)) {
    const { mode } = fs.statSync(dir);
    // a shared folder with the sticky bit (/tmp) is someone else's to set up
    if (mode & 0o077 && !(mode & 0o1000)) {
      logger.warn({ dir }, "the database folder is open to other users of this machine (chmod 700 it)");
    }
  } else {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  fs.closeSync(fs.openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (fs.statSync(f).mode & 0o077) fs.chmodSync(f, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
}

/** Opens the database. Instants are UTC on both drivers (the MySQL session time zone is pinned). */
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
