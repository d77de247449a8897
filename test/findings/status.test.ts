/**
 * lib/findings/status.ts defines "open" once; its SQL forms must select exactly the TS list, and the list must
 * be a subset of the database's FindingStatus enum (a status added to the enum but not classified would
 * silently count as closed). Real PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { Prisma } from "../../lib/db/client.ts";
import {
  FINDING_STATUSES,
  OPEN_SET_SQL,
  OPEN_STATUS_ARRAY_SQL,
  OPEN_STATUSES,
  isOpenStatus,
  openCount,
} from "../../lib/findings/status.ts";
import { useTestDatabase } from "../support/db.ts";

const t = useTestDatabase("finding_status");

describe("the open-status set", () => {
  it("lists every status of the database's enum, and the SQL forms select exactly the open ones", async () => {
    const all = await t.db.$queryRaw<{ s: string }[]>`SELECT unnest(enum_range(NULL::"FindingStatus"))::text AS s`;
    expect(all.map((r) => r.s).sort()).toEqual([...FINDING_STATUSES].sort());
    const viaIn = await t.db.$queryRaw<{ s: string }[]>(
      Prisma.sql`SELECT s::text AS s FROM unnest(enum_range(NULL::"FindingStatus")) s WHERE s IN ${OPEN_SET_SQL} ORDER BY 1`,
    );
    const viaAny = await t.db.$queryRaw<{ s: string }[]>(
      Prisma.sql`SELECT s::text AS s FROM unnest(enum_range(NULL::"FindingStatus")) s WHERE s = ANY(${OPEN_STATUS_ARRAY_SQL}) ORDER BY 1`,
    );
    expect(viaIn.map((r) => r.s)).toEqual([...OPEN_STATUSES].sort());
    expect(viaAny.map((r) => r.s)).toEqual([...OPEN_STATUSES].sort());
  });

  it("classifies each status the same way in TS", () => {
    expect(FINDING_STATUSES.filter(isOpenStatus)).toEqual(["open", "in_progress", "reopened"]);
    expect(openCount({ open: 1, in_progress: 10, reopened: 100, fixed: 1000 } as never)).toBe(111);
  });
});
