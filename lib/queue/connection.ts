import { Redis } from "ioredis";
import { config } from "../config.ts";

export { DEFAULT_REDIS_URL } from "../config.ts";

/** REDIS_URL (lib/config.ts). */
export function redisUrl(): string {
  return config().redisUrl;
}

/** Key prefix for every queue: one Redis can serve several Posture installations (and test runs). */
export function queuePrefix(): string {
  return config().queuePrefix;
}

/**
 * Workers block on Redis and must wait out a restart (maxRetriesPerRequest: null). Producers in the web app
 * must not hang a request while Redis is down, so their commands fail fast instead. The web app's own state
 * (sign-in throttling) may wait for the first connect, but gives up after one retry.
 */
export function redisConnection(role: "worker" | "producer" | "state", url = redisUrl()): Redis {
  if (role === "worker") return new Redis(url, { maxRetriesPerRequest: null });
  if (role === "state") return new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
}
