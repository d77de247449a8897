import { Redis } from "ioredis";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export function redisUrl(): string {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

/** Key prefix for every queue: one Redis can serve several Posture installations (and test runs). */
export function queuePrefix(): string {
  return process.env.POSTURE_QUEUE_PREFIX || "posture";
}

/**
 * Workers block on Redis and must wait out a restart (maxRetriesPerRequest: null). Producers in the web app
 * must not hang a request while Redis is down, so their commands fail fast instead.
 */
export function redisConnection(role: "worker" | "producer", url = redisUrl()): Redis {
  return new Redis(url, role === "worker" ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
}
