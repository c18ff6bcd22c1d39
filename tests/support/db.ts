import { DataSource } from "typeorm";
import { MYSQL_ADMIN_URL, workerTag } from "./env";

/** Creates an empty MariaDB database for this test worker (dropping a leftover one) and returns its URL. */
export async function freshDatabase(suffix = ""): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `warmline_test_${workerTag()}${suffix ? `_${suffix}` : ""}`.replace(/[^a-zA-Z0-9_]/g, "_");
  const admin = new DataSource({ type: "mariadb", url: MYSQL_ADMIN_URL });
  await admin.initialize();
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.destroy();
  return {
    url: `${MYSQL_ADMIN_URL}/${name}`,
    drop: async () => {
      const a = new DataSource({ type: "mariadb", url: MYSQL_ADMIN_URL });
      await a.initialize();
      await a.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.destroy();
    },
  };
}
