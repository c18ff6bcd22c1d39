/**
 * ioredis/BullMQ connection options from a redis:// URL. Workers block on Redis and must ride out a
 * restart (no retry limit); producers fail fast instead, so no command is left hanging while Redis is
 * down (a hanging command also blocks a clean close at shutdown).
 */
export function redisOptions(url: string, role: "worker" | "producer" = "worker") {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === "rediss:" ? {} : undefined,
    maxRetriesPerRequest: role === "worker" ? null : 1,
    enableOfflineQueue: role === "worker",
  };
}
