import { type DataSource, MigrationExecutor } from "typeorm";
import { driverOf } from "./dataSource";

/** how long a process waits for another one that is migrating the same database */
const MIGRATION_LOCK_WAIT_S = 300;

/**
 * Runs the pending migrations, each in its own transaction, one process at a time. Processes that start
 * together against one MariaDB database (an API and a worker with MIGRATE_ON_START=true, or several
 * replicas) would otherwise both find a migration pending and both run it: the second fails with "Table
 * … already exists" and does not start. The lock is MariaDB's named lock (GET_LOCK), held by the
 * connection the migrations run on, so it is released even when the process dies; the next process
 * then reads the migrations table and finds nothing (or only what is left) to do. SQLite (the embedded
 * default, one process) needs no lock: a second writer waits on the database file.
 */
export async function runMigrationsExclusively(ds: DataSource): Promise<void> {
  if (driverOf(ds) !== "mysql") {
    await ds.runMigrations({ transaction: "each" });
    return;
  }
  const qr = ds.createQueryRunner();
  try {
    const name = "CONCAT('warmline_migrate_', MD5(DATABASE()))";
    const [row] = (await qr.query(`SELECT GET_LOCK(${name}, ?) AS got`, [MIGRATION_LOCK_WAIT_S])) as {
      got: number | string | null;
    }[];
    if (Number(row?.got) !== 1) {
      throw new Error(`another process has been migrating this database for ${MIGRATION_LOCK_WAIT_S} s`);
    }
    try {
      const executor = new MigrationExecutor(ds, qr);
      executor.transaction = "each";
      await executor.executePendingMigrations();
    } finally {
      await qr.query(`SELECT RELEASE_LOCK(${name})`);
    }
  } finally {
    await qr.release();
  }
}
