/**
 * The labelled detection benchmark's data and scoring: repos.yaml, the label files, and how the scanner's findings
 * are scored against them. Pure functions apart from the two loaders, so the scoring has unit tests of its own
 * (test/bench-detection.test.ts).
 */
import { readFileSync } from "node:fs";
import { load as loadYaml } from "js-yaml";
import { z } from "zod";
import type { CodeContext } from "../../lib/engine/types.ts";

export const LABELS = ["true", "noise", "false"] as const;
export type Label = (typeof LABELS)[number];
export const IMPACTS = ["high", "normal"] as const;
export const CLASSES = [
  "code-execution",
  "deserialization",
  "shell-injection",
  "path-traversal",
  "ssrf",
  "exposed-management",
  "missing-auth",
  "secret",
  "unbounded-input",
  "container-hardening",
  "trust-remote-code",
  "resource-limits",
  "other",
] as const;

/** An expected item is met by a finding of one of its checks in the same file this many lines away or closer. */
export const EXPECTED_LINE_TOLERANCE = 3;

/** The issue's targets (issue 19, section 7); shown beside the numbers, never used to pass or fail a run. */
export const TARGETS = { highImpactRecall: 0.85, falseShare: 0.03, productionTrue: 0.85 } as const;

const repoName = z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, "must be owner/name");
const sha = z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-hex commit sha");
const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a path inside the repository");
const line = z.number().int().positive();
/** `label: true` and `label: false` are YAML booleans when unquoted, as the documented format writes them. */
const label = z.preprocess((v) => (typeof v === "boolean" ? String(v) : v), z.enum(LABELS));

export const repoEntrySchema = z.object({
  repo: repoName,
  commit: sha,
  frameworks: z.array(z.string().min(1)).min(1),
  why: z.string().min(1),
});
export type RepoEntry = z.infer<typeof repoEntrySchema>;

export const labelFileSchema = z
  .object({
    repo: repoName,
    commit: sha,
    findings: z.array(z.object({ check: z.string().min(1), path: relPath, line, label, note: z.string().min(1) }).strict()).default([]),
    expected: z
      .array(
        z
          .object({
            path: relPath,
            line,
            impact: z.enum(IMPACTS),
            class: z.enum(CLASSES),
            checks: z.array(z.string().min(1)).min(1).optional(),
            /**
             * Other places a report of this same problem may point at: a flow through a helper is reported where the
             * request data enters the helper (the call), not inside it. Each names why in the item's note.
             */
            also: z
              .array(z.object({ path: relPath, line }).strict())
              .min(1)
              .optional(),
            note: z.string().min(1),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type LabelFile = z.infer<typeof labelFileSchema>;
export type FindingLabel = LabelFile["findings"][number];
export type ExpectedItem = LabelFile["expected"][number];

/** A bad repos.yaml or label file: names the file and the field, so the labeller can fix it. */
export class BenchDataError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "BenchDataError";
  }
}

function parseYaml(file: string, text: string): unknown {
  try {
    return loadYaml(text);
  } catch (e) {
    throw new BenchDataError(file, `not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
}

function validated<T extends z.ZodType>(file: string, schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join(".") : "(top level)";
  throw new BenchDataError(file, `${where}: ${issue.message}`);
}

export function parseRepos(file: string, text: string): RepoEntry[] {
  const entries = validated(file, z.array(repoEntrySchema).min(1, "lists no repository"), parseYaml(file, text));
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (seen.has(e.repo)) throw new BenchDataError(file, `${i}.repo: ${e.repo} is listed twice`);
    seen.add(e.repo);
  }
  return entries;
}

export function parseLabels(file: string, text: string): LabelFile {
  const labels = validated(file, labelFileSchema, parseYaml(file, text));
  // Two labels for one finding would make its label depend on their order.
  const seen = new Map<string, number>();
  for (const [i, f] of labels.findings.entries()) {
    const k = findingKey(f.check, f.path, f.line);
    if (seen.has(k)) throw new BenchDataError(file, `findings.${i}: same check, path and line as findings.${seen.get(k)}`);
    seen.set(k, i);
  }
  return labels;
}

export const readRepos = (file: string): RepoEntry[] => parseRepos(file, readFileSync(file, "utf8"));
export const readLabels = (file: string): LabelFile => parseLabels(file, readFileSync(file, "utf8"));

/** Label files are named after the repository, with "/" as "__" (a file name cannot hold a slash). */
export const labelFileName = (repo: string): string => `${repo.replace("/", "__")}.yaml`;
export const corpusDirName = (repo: string): string => repo.replace("/", "__");

/** The part of a finding the benchmark reads. */
export interface ScoredFinding {
  ruleId: string;
  path: string;
  line: number;
  severity: string;
  message: string;
  context: CodeContext;
}

const findingKey = (check: string, path: string, line: number) => `${check}\u0000${path}\u0000${line}`;

export interface Counts {
  findings: number;
  labelled: number;
  true: number;
  noise: number;
  false: number;
  /** Labelled findings whose context is production, and how many of those are true. */
  production: number;
  productionTrue: number;
  expected: number;
  expectedMet: number;
  highImpact: number;
  highImpactMet: number;
}

export const zeroCounts = (): Counts => ({
  findings: 0,
  labelled: 0,
  true: 0,
  noise: 0,
  false: 0,
  production: 0,
  productionTrue: 0,
  expected: 0,
  expectedMet: 0,
  highImpact: 0,
  highImpactMet: 0,
});

export function addCounts(into: Counts, c: Counts): Counts {
  for (const k of Object.keys(into) as (keyof Counts)[]) into[k] += c[k];
  return into;
}

export interface Rates {
  precision: number | null;
  noiseShare: number | null;
  falseShare: number | null;
  productionTrue: number | null;
  recall: number | null;
  highImpactRecall: number | null;
}

/** null where the denominator is zero: "no data" must not read as 0% or 100%. */
export function rates(c: Counts): Rates {
  const share = (n: number, d: number) => (d === 0 ? null : n / d);
  return {
    precision: share(c.true, c.labelled),
    noiseShare: share(c.noise, c.labelled),
    falseShare: share(c.false, c.labelled),
    productionTrue: share(c.productionTrue, c.production),
    recall: share(c.expectedMet, c.expected),
    highImpactRecall: share(c.highImpactMet, c.highImpact),
  };
}

export interface RepoScore {
  repo: string;
  overall: Counts;
  perCheck: Record<string, Counts>;
  unlabelled: ScoredFinding[];
  /** Labels that no finding carries any more (the rule changed, or the label has a wrong line). */
  staleLabels: FindingLabel[];
  missed: ExpectedItem[];
  /** Per expected item, the finding that met it (same order as labels.expected); null when missed. */
  met: (ScoredFinding | null)[];
}

/**
 * Does this finding meet this expected item: one of its checks (any when it names none), in the item's file within 3
 * lines, or at one of the item's `also` places.
 */
export function meets(f: ScoredFinding, e: ExpectedItem): boolean {
  if (e.checks && !e.checks.includes(f.ruleId)) return false;
  return [{ path: e.path, line: e.line }, ...(e.also ?? [])].some(
    (at) => f.path === at.path && Math.abs(f.line - at.line) <= EXPECTED_LINE_TOLERANCE,
  );
}

/**
 * Scores one repository's findings against its labels. A label applies to every finding with its check, path and
 * line (a check can report one line twice, e.g. two columns). Per check, recall counts the expected items that name
 * the check, met by that check; items naming no check count only overall.
 */
export function scoreRepo(repo: string, findings: readonly ScoredFinding[], labels: LabelFile | null): RepoScore {
  const byKey = new Map((labels?.findings ?? []).map((l) => [findingKey(l.check, l.path, l.line), l]));
  const used = new Set<string>();
  const perCheck: Record<string, Counts> = {};
  const forCheck = (id: string) => (perCheck[id] ??= zeroCounts());
  const overall = zeroCounts();
  const unlabelled: ScoredFinding[] = [];

  for (const f of findings) {
    const c = forCheck(f.ruleId);
    c.findings++;
    overall.findings++;
    const key = findingKey(f.ruleId, f.path, f.line);
    const label = byKey.get(key);
    if (!label) {
      unlabelled.push(f);
      continue;
    }
    used.add(key);
    for (const into of [c, overall]) {
      into.labelled++;
      into[label.label]++;
      if (f.context === "production") {
        into.production++;
        if (label.label === "true") into.productionTrue++;
      }
    }
  }

  const missed: ExpectedItem[] = [];
  const met: (ScoredFinding | null)[] = [];
  for (const e of labels?.expected ?? []) {
    const hit = findings.find((f) => meets(f, e)) ?? null;
    met.push(hit);
    overall.expected++;
    if (hit) overall.expectedMet++;
    if (e.impact === "high") {
      overall.highImpact++;
      if (hit) overall.highImpactMet++;
    }
    if (!hit) missed.push(e);
    for (const id of e.checks ?? []) {
      const c = forCheck(id);
      const byThis = findings.some((f) => f.ruleId === id && meets(f, e));
      c.expected++;
      if (byThis) c.expectedMet++;
      if (e.impact === "high") {
        c.highImpact++;
        if (byThis) c.highImpactMet++;
      }
    }
  }

  const staleLabels = (labels?.findings ?? []).filter((l) => !used.has(findingKey(l.check, l.path, l.line)));
  return { repo, overall, perCheck, unlabelled, staleLabels, missed, met };
}

/** Sums repository scores: per check and overall. */
export function total(scores: readonly RepoScore[]): { overall: Counts; perCheck: Record<string, Counts> } {
  const overall = zeroCounts();
  const perCheck: Record<string, Counts> = {};
  for (const s of scores) {
    addCounts(overall, s.overall);
    for (const [id, c] of Object.entries(s.perCheck)) addCounts((perCheck[id] ??= zeroCounts()), c);
  }
  return { overall, perCheck };
}
