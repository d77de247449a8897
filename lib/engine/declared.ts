/**
 * A check's `unlessDeclared` condition: another file of the repository settles the match. A Serve deployment
 * with no ray_actor_options in its decorator is reserved by the Serve config file that deploys it; a Serve config
 * entry without them leaves the decorator's in force. The condition's rule runs over the repository's files that
 * match its globs, each match declaring a value of one metavariable; a match of the check whose metavariable has
 * one of those values is dropped. The files are read and parsed only when some match of the check needs the
 * answer, once per check and scan. Pure apart from the reads it is handed.
 */
import { parse, type NapiConfig } from "@ast-grep/napi";
import picomatch from "picomatch";
import type { RawMatch } from "./match.ts";
import type { Check } from "./rulebook.ts";

/** A declared value as written, without its quotes: `"text_classifier"`, 'x' and x are one name. */
export function declaredValue(text: string): string {
  const t = text.trim();
  const m = /^[rRbBuU]?(["'])(.*)\1$/s.exec(t);
  return m ? m[2]! : t;
}

export class DeclaredIndex {
  private readonly values = new Map<string, Set<string>>();

  constructor(
    /** Repository-relative paths of the files the scan walked. */
    private readonly paths: readonly string[],
    /** The text of one of them, or undefined when it cannot be read. */
    private readonly read: (rel: string) => string | undefined,
    /** Where a condition's rule fails to compile or run: reported, and the matches are kept. */
    private readonly onError: (check: Check, message: string) => void,
  ) {}

  /** The values the check's condition declares across the repository (empty when it has none or fails). */
  declared(check: Check): ReadonlySet<string> {
    const known = this.values.get(check.id);
    if (known) return known;
    const out = new Set<string>();
    this.values.set(check.id, out);
    const d = check.unlessDeclared;
    if (!d) return out;
    const isTarget = picomatch(d.files, { dot: true });
    const config = { rule: d.rule, ...(d.utils ? { utils: d.utils } : {}) } as NapiConfig;
    try {
      for (const rel of this.paths) {
        if (!isTarget(rel)) continue;
        const text = this.read(rel);
        if (text === undefined) continue;
        for (const n of parse(d.language, text).root().findAll(config)) {
          const v = n.getMatch(d.captured)?.text();
          if (v) out.add(declaredValue(v));
        }
      }
    } catch (e) {
      out.clear();
      this.onError(check, (e as Error).message.split("\n")[0]!);
    }
    return out;
  }

  /** The matches whose value another file does not declare. */
  filter(matches: readonly RawMatch[]): RawMatch[] {
    return matches.filter((r) => {
      const d = r.check.unlessDeclared;
      if (!d) return true;
      const v = r.vars[d.captured];
      return v === undefined || !this.declared(r.check).has(declaredValue(v));
    });
  }
}
