/** ioredis/BullMQ connection options from a redis:// URL. */
export function redisOptions(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === "rediss:" ? {} : undefined,
    // BullMQ workers block on Redis; they must not give up on a command while Redis restarts
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
  };
}
