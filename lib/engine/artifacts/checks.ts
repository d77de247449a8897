/**
 * Artifact checks as data: what a pickle may import (a deny list, a known-safe list) and which Keras layers carry
 * code live in the policy YAML (rules/ml-serving/model-artifacts.policy.yaml), so adding a dangerous global is a
 * rulebook change. This module validates those matchers, compiles them, and turns what lib/engine/artifacts/inspect
 * found in one file into findings.
 */
import { z } from "zod";
import { fingerprintAll } from "../fingerprint.ts";
import type { Check } from "../rulebook.ts";
import type { CodeContext, Finding } from "../types.ts";
import type { ArtifactInventory } from "./inspect.ts";
import type { PickleImport } from "./pickle.ts";

const dotted = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Globals by module: `os: "*"` is every name of os and its submodules (os.path), `builtins: [eval, exec]` those
 * names only; the module `"*"` is every module.
 */
const globalList = z.record(
  z.string().refine((m) => m === "*" || dotted.test(m), "a module is a dotted Python name, or * for every module"),
  z.union([z.literal("*"), z.array(z.string().regex(dotted, "a name is a dotted Python name")).min(1)]),
);
export type GlobalList = z.infer<typeof globalList>;

export const pickleMatchSchema = z
  .object({
    language: z.literal("pickle"),
    /** The imports this check reports. */
    imports: globalList.optional(),
    /** Imports it never reports although `imports` covers them: the known-safe list, another check's list. */
    except: z.union([globalList, z.array(globalList).min(1)]).optional(),
    /** Report imports whose module or name the pickle computes at load time instead of spelling them out. */
    computed: z.boolean().optional(),
  })
  .strict();

export const kerasMatchSchema = z
  .object({
    language: z.literal("keras"),
    /** Layer classes whose configuration is Python code (Lambda holds marshalled bytecode). */
    layers: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).min(1),
  })
  .strict();

export type ArtifactMatch = z.infer<typeof pickleMatchSchema> | z.infer<typeof kerasMatchSchema>;
export const ARTIFACT_LANGUAGES = ["pickle", "keras"] as const;

export function isArtifactMatch(m: { language: string }): m is ArtifactMatch {
  return (ARTIFACT_LANGUAGES as readonly string[]).includes(m.language);
}

/** What an artifact check may not have: the text-file options, which mean nothing for a binary file. */
export function artifactCheckIssue(
  c: Pick<Check, "prefilter" | "sinkPrefilter" | "when" | "unlessDeclared" | "match">,
): { path: string[]; message: string } | undefined {
  for (const key of ["prefilter", "sinkPrefilter", "when", "unlessDeclared"] as const)
    if (c[key] !== undefined)
      return { path: [key], message: `${key} is for text files; an artifact check (${c.match.language}) cannot have it` };
  const m = c.match as ArtifactMatch;
  if (m.language === "pickle" && !m.imports && !m.computed) return { path: ["match"], message: "give imports, computed: true, or both" };
  return undefined;
}

export interface CompiledArtifact {
  kind: "artifact";
  language: ArtifactMatch["language"];
  /** Whether a pickle import (module, name) is one this check reports. */
  reports: (imp: Pick<PickleImport, "module" | "name" | "computed">) => boolean;
  layers: ReadonlySet<string>;
}

function listMatcher(list: GlobalList): (module: string, name: string) => boolean {
  const entries = Object.entries(list);
  return (module, name) =>
    entries.some(
      ([m, names]) =>
        (m === "*" || module === m || module.startsWith(`${m}.`)) &&
        (names === "*" || names.some((n) => name === n || name.startsWith(`${n}.`))),
    );
}

export function compileArtifactMatch(m: ArtifactMatch): CompiledArtifact {
  if (m.language === "keras") return { kind: "artifact", language: "keras", reports: () => false, layers: new Set(m.layers) };
  const listed = m.imports ? listMatcher(m.imports) : () => false;
  const except = (Array.isArray(m.except) ? m.except : m.except ? [m.except] : []).map(listMatcher);
  return {
    kind: "artifact",
    language: "pickle",
    reports: (imp) => (imp.computed ? !!m.computed : listed(imp.module, imp.name) && !except.some((x) => x(imp.module, imp.name))),
    layers: new Set(),
  };
}

const SNIPPET_LINES = 6;

/**
 * One finding per check and place in the file (the file itself, or an archive entry): at line 1, since a binary
 * file has no lines; the entry and the offending globals are in the message and the snippet. The fingerprint is
 * the check, the path, the entry and the sorted list of what was reported: it survives rescans and unrelated
 * changes to the file, and a changed import list is a new finding.
 */
export function artifactFindings(
  path: string,
  inv: ArtifactInventory,
  checks: readonly { check: Check; matcher: CompiledArtifact }[],
  context: CodeContext,
  render: (check: Check, vars: Record<string, string>) => { message: string; severity: Finding["severity"] },
): Finding[] {
  const file = path.split("/").at(-1)!;
  const out: { check: Check; entry: string; items: string[]; lines: string[]; vars: Record<string, string> }[] = [];
  // "pickle 2" of an entry: the one after the first STOP
  const ordinal = new Map<PickleImport[], number>();
  const perEntry = new Map<string, number>();
  for (const p of inv.pickles) ordinal.set(p.stream.imports, perEntry.set(p.entry, (perEntry.get(p.entry) ?? 0) + 1).get(p.entry)!);
  for (const c of checks) {
    const groups = new Map<string, { items: string[]; lines: string[] }>();
    const group = (entry: string) => groups.get(entry) ?? groups.set(entry, { items: [], lines: [] }).get(entry)!;
    if (c.matcher.language === "pickle") {
      inv.pickles.forEach(({ entry, stream }) => {
        for (const imp of stream.imports) {
          if (!c.matcher.reports(imp)) continue;
          const g = group(entry);
          const item = imp.computed ? `${imp.module}.${imp.name} (computed)` : `${imp.module}.${imp.name}`;
          if (!g.items.includes(item)) g.items.push(item);
          const n = ordinal.get(stream.imports)!;
          g.lines.push(
            `${entry || file}: ${imp.opcode} ${imp.module} ${imp.name} at byte ${imp.offset}${n > 1 ? ` (pickle ${n})` : ""}${imp.computed ? ", names computed at load time" : ""}`,
          );
        }
      });
    } else {
      for (const l of inv.layers) {
        if (!c.matcher.layers.has(l.className)) continue;
        const g = group(l.entry);
        const item = l.name ? `${l.className} layer "${l.name}"` : `${l.className} layer`;
        if (!g.items.includes(item)) g.items.push(item);
        g.lines.push(`${l.entry || file}: ${item}`);
      }
    }
    for (const [entry, g] of groups)
      out.push({
        check: c.check,
        entry,
        items: g.items,
        lines: g.lines,
        vars: {
          GLOBALS: g.items.join(", "),
          LAYERS: g.items.join(", "),
          ENTRY: entry || file,
          IN: entry ? ` (in ${entry})` : "",
          COUNT: String(g.items.length),
        },
      });
  }
  out.sort((a, b) => a.check.id.localeCompare(b.check.id) || (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
  const fingerprints = fingerprintAll(out.map((o) => ({ ruleId: o.check.id, path, scope: o.entry, text: [...o.items].sort().join("\n") })));
  return out.map((o, i): Finding => {
    const { message, severity } = render(o.check, o.vars);
    const shown = o.lines.slice(0, SNIPPET_LINES);
    return {
      ruleId: o.check.id,
      policy: o.check.policy,
      framework: o.check.framework,
      severity,
      path,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      message,
      snippet: o.lines.length > SNIPPET_LINES ? `${shown.join("\n")}\n… ${o.lines.length - SNIPPET_LINES} more` : shown.join("\n"),
      fingerprint: fingerprints[i]!,
      context,
    };
  });
}
