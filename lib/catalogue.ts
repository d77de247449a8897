/** The rule catalogue in the database mirrors rules/ so queries can join findings to policies and checks. */
import type { Db } from "./db/client.ts";
import type { Framework as DbFramework } from "./db/client.ts";
import { POLICY_SUFFIX, type Rulebook } from "./engine/rulebook.ts";
import type { Framework } from "./engine/types.ts";

export function frameworkToDb(f: Framework): DbFramework {
  return f.replace("-", "_") as DbFramework;
}
export function frameworkFromDb(f: DbFramework): Framework {
  return f.replace("_", "-") as Framework;
}

export function policyId(file: string): string {
  return file.slice(0, -POLICY_SUFFIX.length);
}

/** Upserts policies and checks; keeps each check's org-wide enabled flag; marks checks gone from rules/ inactive. */
export async function syncCatalogue(db: Db, rulebook: Rulebook): Promise<void> {
  await db.$transaction(
    async (tx) => {
      for (const p of rulebook.policies) {
        const id = policyId(p.file);
        const data = {
          title: p.policy,
          framework: frameworkToDb(p.framework),
          level: p.level,
          references: p.references,
          why: p.why.trim(),
          remediation: p.remediation.trim(),
        };
        await tx.policy.upsert({ where: { id }, create: { id, ...data }, update: data });
        for (const c of p.checks) {
          const check = { policyId: id, severity: c.severity, message: c.message, active: true };
          await tx.check.upsert({ where: { id: c.id }, create: { id: c.id, ...check }, update: check });
        }
      }
      await tx.check.updateMany({ where: { id: { notIn: rulebook.checks.map((c) => c.id) } }, data: { active: false } });
    },
    { timeout: 60_000 },
  );
}

/** Ids of checks switched off org-wide. */
export async function disabledCheckIds(db: Pick<Db, "check">): Promise<Set<string>> {
  const rows = await db.check.findMany({ where: { enabled: false }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}
