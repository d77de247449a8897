/**
 * A check's `unlessDeclared` condition: another file of the repository settles the match. A Serve deployment
 * with no ray_actor_options in its decorator is reserved by the Serve config file that deploys it; a Serve config
 * entry without them leaves the decorator's in force. The condition's rule runs over the repository's files that
 * match its globs, each match declaring a value of one metavariable; a match of the check whose metavariable has
 * one of those values is dropped. The files are read and parsed only when some match of the check needs the
 * answer, once per check and scan. `ifDeclared` is the other way round: the match needs the repository to declare
 * something (with `captured`, the value it bound). Pure apart from the reads it is handed.
 */
import { parse, type NapiConfig } from "@ast-grep/napi";
import picomatch from "picomatch";
import { embeddedYamlDocuments, type RawMatch } from "./match.ts";
import type { Check } from "./rulebook.ts";

/** A declared value as written, without its quotes: `"text_classifier"`, 'x' and x are one name. */
export function declaredValue(text: string): string {
  const t = text.trim();
  const m = /^[rRbBuU]?(["'])(.*)\1$/s.exec(t);
  return m ? m[2]! : t;
}

/**
 * The forms a match's value is compared in: as written, and for a port mapping (`8081:8081`, `0.0.0.0:9002:9002/tcp`,
 * docker's and compose's `[host:][published:]target[/protocol]`) its container port, the one a configuration file
 * declares.
 */
function comparedForms(text: string): string[] {
  const v = declaredValue(text);
  const port = /^(?:[0-9.]+:|\[[0-9a-f:]*\]:)?(?:[0-9]+(?:-[0-9]+)?:)?([0-9]+)(?:\/(?:tcp|udp))?$/i.exec(v);
  return port && port[1] !== v ? [v, port[1]!] : [v];
}

interface Declared {
  values: Set<string>;
  any: boolean;
  /** The condition could not run: the check's matches are reported as if it held. */
  failed?: boolean;
}

export class DeclaredIndex {
  private readonly values = new Map<string, Declared>();
  private readonly failedConditions = new Set<string>();

  constructor(
    /** Repository-relative paths of the files the scan walked. */
    private readonly paths: readonly string[],
    /** The text of one of them, or undefined when it cannot be read. */
    private readonly read: (rel: string) => string | undefined,
    /** Where a condition's rule fails to compile or run: reported, and the matches are kept. */
    private readonly onError: (check: Check, message: string) => void,
  ) {}

  /**
   * What the repository declares for one of the check's conditions: the values of its metavariable (`captured`),
   * and whether the rule matched at all. A condition that fails to run declares nothing, and is reported.
   */
  private declared(check: Check, which: "unless" | "if", words?: readonly string[]): Declared | undefined {
    const d = which === "unless" ? check.unlessDeclared : check.ifDeclared;
    if (!d) return undefined;
    // Asked about some values only (a captured condition), only the files whose text holds one can declare them:
    // the others are not parsed (a condition over every Python file of a repository costs a parse of each).
    const key = `${which}:${check.id}${words ? `\0${words.join("\0")}` : ""}`;
    const known = this.values.get(key);
    if (known) return known;
    const out: Declared = { values: new Set<string>(), any: false };
    this.values.set(key, out);
    const captured = d.captured;
    const isTarget = picomatch(d.files, { dot: true });
    // Each match's captured text, or "" when the condition captures nothing.
    const re = d.language === "regex" ? new RegExp(d.pattern, d.ignoreCase ? "i" : "") : undefined;
    const matchesIn: (text: string) => Iterable<string | undefined> =
      d.language === "regex"
        ? function* (text) {
            for (const line of text.split("\n")) {
              const m = re!.exec(line);
              if (m) yield captured ? m.groups?.[captured] : "";
            }
          }
        : function* (text) {
            const config = { rule: d.rule, ...(d.utils ? { utils: d.utils } : {}) } as NapiConfig;
            // YAML inside YAML declares too: a RayService's serveConfigV2: | holds the Serve config itself.
            const docs = [text, ...(d.language === "yaml" ? embeddedYamlDocuments(text).map((e) => e.text) : [])];
            for (const doc of docs)
              for (const n of parse(d.language, doc).root().findAll(config)) yield captured ? n.getMatch(captured)?.text() : "";
          };
    try {
      for (const rel of this.paths) {
        if (!isTarget(rel)) continue;
        const text = this.read(rel);
        if (text === undefined || (words && !words.some((w) => text.includes(w)))) continue;
        for (const v of matchesIn(text)) {
          out.any = true;
          if (v) out.values.add(declaredValue(v));
        }
        // Without a metavariable the first match settles it.
        if (out.any && !captured) break;
      }
    } catch (e) {
      // Failed: as if the repository settled nothing and confirmed everything, so the matches are reported.
      out.values.clear();
      out.any = which === "if";
      out.failed = true;
      // once per condition, however many values were asked about
      if (!this.failedConditions.has(`${which}:${check.id}`)) {
        this.failedConditions.add(`${which}:${check.id}`);
        this.onError(check, `${which === "unless" ? "unlessDeclared" : "ifDeclared"} failed: ${(e as Error).message.split("\n")[0]!}`);
      }
    }
    return out;
  }

  /** The matches the repository's other files do not settle (unlessDeclared) and do confirm (ifDeclared). */
  filter(matches: readonly RawMatch[]): RawMatch[] {
    return matches.filter((r) => {
      const i = r.check.ifDeclared;
      if (i) {
        const v = i.captured ? r.vars[i.captured] : undefined;
        if (i.captured && v === undefined) return false;
        const forms = v === undefined ? undefined : comparedForms(v);
        const declared = this.declared(r.check, "if", forms)!;
        if (!declared.any) return false;
        if (forms && !declared.failed && !forms.some((f) => declared.values.has(f))) return false;
      }
      const d = r.check.unlessDeclared;
      if (!d) return true;
      if (!d.captured) return !this.declared(r.check, "unless")!.any;
      const v = r.vars[d.captured];
      if (v === undefined) return true;
      const forms = comparedForms(v);
      const declared = this.declared(r.check, "unless", forms)!;
      return !forms.some((f) => declared.values.has(f));
    });
  }
}
