/**
 * One scan of a repository at a time across every worker: a PostgreSQL advisory lock on a connection of its own.
 */
import { createHash } from "node:crypto";
import pg from "pg";

/** Another worker holds this repository; try again shortly (not a failed attempt). */
export class RepositoryBusyError extends Error {}

function lockKey(repositoryId: string): [number, number] {
  const h = createHash("sha256").update(`posture:repo:${repositoryId}`).digest();
  return [h.readInt32BE(0), h.readInt32BE(4)];
}

export async function withRepositoryLock<T>(databaseUrl: string, repositoryId: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // The connection sits idle while the scan runs; if Postgres restarts, pg emits "error" on it, and an
  // unhandled "error" event would kill the whole worker process. The lock is gone with the connection;
  // persistScan's row lock still keeps two saves of one repository apart.
  client.on("error", () => undefined);
  await client.connect();
  try {
    const [a, b] = lockKey(repositoryId);
    const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", [a, b]);
    if (!rows[0]?.ok) throw new RepositoryBusyError(`repository ${repositoryId} is being scanned by another worker`);
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, $2)", [a, b]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
