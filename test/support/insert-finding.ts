import type { Db } from "../../lib/db/client.ts";
import { findingRow } from "./finding-row.ts";

let inserted = 0;

/**
 * Inserts one finding seen now, under a fingerprint no other has, for the tests that count findings by check,
 * severity and status rather than follow them through scans.
 */
export async function insertFinding(db: Db, row: Omit<Parameters<typeof findingRow>[0], "fingerprint">): Promise<void> {
  await db.finding.create({ data: findingRow({ fingerprint: `fp${++inserted}`, ...row }) });
}
