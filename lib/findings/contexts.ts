/**
 * Which code contexts the posture counts, as pure data: the settings schema, the visibility rule
 * (visibility.ts) and client components read it, so it must not pull in the database client.
 * Production and example code always count (examples are copied into production); test, docs and build code
 * (and vendored code) count only when the org says so, because a mock token in a test is not an exposed secret. Vendored code (a
 * copy of another project) is the upstream's to fix, as GitHub code scanning treats library code.
 */
import { CODE_CONTEXTS, type CodeContext } from "../engine/types.ts";

export { CODE_CONTEXTS, type CodeContext };

export const ALWAYS_COUNTED_CONTEXTS = ["production", "example"] as const satisfies readonly CodeContext[];
/** The contexts an org may choose to count as well. */
export const OPTIONAL_CONTEXTS: readonly CodeContext[] = CODE_CONTEXTS.filter(
  (c) => !(ALWAYS_COUNTED_CONTEXTS as readonly string[]).includes(c),
);

/** A setting's contexts made whole: the always-counted ones added, unknown ones dropped, in CODE_CONTEXTS order. */
export function normaliseContexts(contexts: readonly string[] | null | undefined): CodeContext[] {
  const chosen = new Set<string>([...ALWAYS_COUNTED_CONTEXTS, ...(contexts ?? [])]);
  return CODE_CONTEXTS.filter((c) => chosen.has(c));
}

export const CONTEXT_LABELS: Record<CodeContext, string> = {
  production: "Production",
  example: "Example",
  test: "Test",
  docs: "Docs",
  build: "Build / CI",
  vendored: "Vendored",
};
