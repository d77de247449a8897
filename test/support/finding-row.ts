import type { Prisma } from "../../lib/db/client.ts";

/**
 * A finding row for tests that insert findings directly: the location, text and scan fields no test looks at,
 * with `at` as first seen, last seen and due. A test names what it asserts on and overrides the rest.
 */
export function findingRow(
  row: Pick<Prisma.FindingUncheckedCreateInput, "repositoryId" | "fingerprint"> & Partial<Prisma.FindingUncheckedCreateInput>,
  at: Date = new Date(),
): Prisma.FindingUncheckedCreateInput {
  return {
    checkId: "c",
    policyId: "p",
    framework: "modal",
    severity: "high",
    path: "a.py",
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    message: "m",
    snippet: "s",
    firstSeenAt: at,
    firstScanId: "s",
    lastSeenAt: at,
    lastScanId: "s",
    dueAt: at,
    ...row,
  };
}
