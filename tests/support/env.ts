/** Where the test services are. CI and developers share these defaults (see STACK.md). */
export const MYSQL_ADMIN_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A name unique to this test worker (vitest runs files of one worker one after another). */
export function workerTag(): string {
  return `w${process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "0"}_${process.pid}`;
}
