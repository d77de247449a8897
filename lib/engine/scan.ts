import { realpathSync, statSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, sep } from "node:path";
import { findInFiles, parse, type SgNode, type SgRoot } from "@ast-grep/napi";
import picomatch from "picomatch";
import {
  compileChecks,
  ensureLanguages,
  SYNTAX_ERROR_TAG,
  type CompiledAst,
  type CompiledCheck,
  type CompiledRulebook,
} from "./compile.ts";
import { applyWhen, finalizeFile, splitLines } from "./finalize.ts";
import { nodeToRaw, syntaxErrorLine, taintMatches, type RawMatch } from "./match.ts";
import type { Check } from "./rulebook.ts";
import {
  type ContextHints,
  ciOnlyScripts,
  shippedScripts,
  codeContext,
  isCiConfig,
  isLauncher,
  isLicenseFile,
  isListMentioner,
  isRequirementList,
  linguistVendored,
  RequirementListUse,
  vendoredDirs,
} from "./context.ts";
import { DeclaredIndex } from "./declared.ts";
import { importedFiles, ModuleIndex, RepositoryFlow } from "./imports.ts";
import { PARSE_ERROR_RULE, tagNodes } from "./taint.ts";
import { coarsen, mergedConfig } from "./merge.ts";
import { linkModelLoads, type LoadedPath } from "./artifact-links.ts";
import { buildDependencyIndex, isDependencyManifest, isDockerfile, isImageStepSource, type DependencyIndex } from "./dependencies.ts";
import { advisoryFindings, type AdvisoryCheck } from "./advisories.ts";
import { ReachabilityIndex } from "./reachability.ts";
import { readRepoConfig, REPO_CONFIG_FILE, unmatchedDisableEntries } from "./repo-config.ts";
import { decode, readAndMatchText } from "./scan-file.ts";
import { renderMessage, severityIn } from "./finalize.ts";
import { ArtifactScan } from "./artifacts/scan.ts";
import type { ArtifactLimits } from "./artifacts/inspect.ts";
import { SEVERITY_RANK, type Finding, type ScanResult, type ScanStats, type Severity } from "./types.ts";
import { walk, type WalkedFile } from "./walk.ts";
import { DomainError } from "../errors.ts";

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILES = 100_000;
const AST_CONCURRENCY = Math.max(2, availableParallelism());
/** Merged pattern queries per language at most (see coarsen). */
const MAX_PATTERN_QUERIES = 12;
/** Data-flow queries per scan at most (see taintPass). */
const MAX_FLOW_QUERIES = 6;

/** A merged query's checks in rulebook order, so one set of checks is always one query text. */
function orderedChecks(checks: readonly AstCheck[]): AstCheck[] {
  return [...checks].sort((a, b) =>
    a.matcher.merge!.tag < b.matcher.merge!.tag ? -1 : a.matcher.merge!.tag > b.matcher.merge!.tag ? 1 : 0,
  );
}

export interface ScanOptions {
  checks: readonly Check[];
  /** `checks` compiled already (compileChecks), e.g. by a caller that validated them on load. */
  compiled?: CompiledRulebook;
  maxFileBytes?: number;
  maxFiles?: number;
  /** Limits of the model-file reader (lib/engine/artifacts/inspect.ts): tests and benchmarks set them. */
  artifactLimits?: Partial<ArtifactLimits>;
  onProgress?: (done: number, total: number) => void;
  /** Merged pattern queries per language at most (coarsen); tests set it low. */
  maxPatternQueries?: number;
  /** At most this many data-flow queries (tests and benchmarks). */
  maxFlowQueries?: number;
  /**
   * Severities whose `posture: ignore[...]` suppressions are not honoured (the organisation's setting): such a
   * finding is reported, with `refusedSuppression` saying what the code asked for.
   */
  refuseSuppressions?: readonly Severity[];
}

export class ScanRootError extends DomainError {
  constructor(
    readonly root: string,
    detail: string,
  ) {
    super("invalid_input", `${root}: ${detail}`);
    this.name = "ScanRootError";
  }
}

export type AstCheck = CompiledCheck & { matcher: CompiledAst };

/**
 * findInFiles resolves with the number of files that matched, possibly before all of their callbacks have
 * run (they come through a thread-safe queue); wait for that many callbacks too.
 */
export function findInFilesComplete(check: AstCheck, paths: string[], onFile: Parameters<typeof findInFiles>[2]): Promise<void> {
  return new Promise((resolve, reject) => {
    let calls = 0;
    let expected: number | undefined;
    let guard: NodeJS.Timeout | undefined;
    const settle = () => {
      if (expected === undefined || calls < expected) return;
      clearTimeout(guard);
      resolve();
    };
    findInFiles(check.matcher.language as never, { paths, matcher: check.matcher.config }, (err, nodes) => {
      calls++;
      try {
        onFile(err, nodes);
      } finally {
        settle();
      }
    }).then((n) => {
      expected = n;
      guard = setTimeout(() => reject(new Error(`check ${check.check.id}: ${expected! - calls} file results never arrived`)), 60_000);
      settle();
    }, reject);
  });
}

/**
 * Scans a directory tree in three passes:
 *  1. each file is read once: skipped if binary or minified, model files inspected, its plain-text (regex)
 *     checks run, and the ast-grep checks its globs and prefilters select are noted;
 *  2. ast-grep reads and parses the files on its native threads (findInFiles): the files that select the same
 *     pattern checks share one merged query (patternJobs), and every data-flow check runs on one query of all
 *     their files, whose trees are kept until every file's helpers are known;
 *  3. files with matches are re-read to fingerprint them, apply conditions and suppressions, cut redacted
 *     snippets, and link code that loads a model file with what the file holds.
 * Throws ScanRootError only when the root itself cannot be scanned; every problem below the root is
 * reported in `errors` and the scan goes on.
 */
export async function scanDirectory(root: string, opts: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  try {
    if (!statSync(root).isDirectory()) throw new ScanRootError(root, "not a directory");
  } catch (e) {
    if (e instanceof ScanRootError) throw e;
    throw new ScanRootError(
      root,
      (e as NodeJS.ErrnoException).code === "ENOENT"
        ? "no such directory"
        : `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  ensureLanguages();
  const compiled: CompiledRulebook = opts.compiled ?? compileChecks(opts.checks);
  const artifacts = ArtifactScan.of(compiled, opts.artifactLimits, (check, vars, context) => ({
    message: renderMessage(check.message, vars, []),
    severity: severityIn(check, context),
  }));
  const repo = readRepoConfig(root);
  const refuse = new Set(opts.refuseSuppressions ?? []);
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // Manifests are rarely scan targets; the walk hands them back only when some check asks about dependencies.
  const advisoryChecks = compiled.checks.filter((c): c is AdvisoryCheck => c.matcher.kind === "advisories");
  const readsDependencies = advisoryChecks.length > 0 || compiled.checks.some((c) => c.check.when);
  const reachables = advisoryChecks.flatMap((c) => [...c.matcher.byPackage.values()].flat().flatMap((a) => a.advisory.reachable ?? []));
  const reachability = reachables.length ? new ReachabilityIndex(reachables) : undefined;
  // The files a check's repository conditions (unlessDeclared, ifDeclared) read need not be scan targets.
  const declaredGlobs = compiled.checks.flatMap((c) => [...(c.check.unlessDeclared?.files ?? []), ...(c.check.ifDeclared?.files ?? [])]);
  const isDeclaredFile = declaredGlobs.length ? picomatch(declaredGlobs, { dot: true }) : () => false;
  let walked;
  try {
    walked = walk(root, {
      maxFileBytes,
      streamed: artifacts?.isArtifact,
      maxFiles: opts.maxFiles ?? DEFAULT_MAX_FILES,
      isTarget: compiled.isTarget,
      excluded: repo.config.excluded,
      notice: (p) =>
        isCiConfig(p) ||
        isLauncher(p) ||
        isLicenseFile(p) ||
        p === ".gitattributes" ||
        isListMentioner(p) ||
        (readsDependencies && (isDependencyManifest(p) || isDockerfile(p))) ||
        isDeclaredFile(p),
    });
  } catch (e) {
    throw new ScanRootError(root, `cannot list (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const result: ScanResult = {
    ...(repo.summary ? { repoConfig: repo.summary } : {}),
    findings: [],
    suppressed: [],
    errors: walked.errors,
    stats: { files: 0, bytes: 0, skipped: { ...walked.skipped }, suppressed: 0, durationMs: 0, rules: opts.checks.length },
    skippedFiles: [],
    skippedFilesOmitted: 0,
    advisoriesNotReached: [],
  };
  if (repo.error) result.errors.push({ path: REPO_CONFIG_FILE, message: `${repo.error}; scanned with the defaults` });
  for (const m of unmatchedDisableEntries(
    repo.config,
    opts.checks.map((c) => c.id),
  ))
    result.errors.push({ path: REPO_CONFIG_FILE, message: m });
  const listUse = new RequirementListUse([...new Set([...walked.noticed, ...walked.files].map((f) => f.rel))].filter(isRequirementList));
  const hints = contextHintsOf(walked.noticed, walked.files, maxFileBytes, listUse);
  let dependencies: DependencyIndex | undefined;
  // Python files whose image build steps install packages (Modal's pip_install), noted as pass 1 reads them.
  const imageSteps: { path: string; text: string }[] = [];
  const dependencyIndex = () => (dependencies ??= readDependencies(root, walked.noticed, result.errors, imageSteps));
  const total = walked.files.length;

  // Pass 1.
  const modules = new ModuleIndex(walked.files.map((f) => f.rel));
  // Files with data-flow checks and the repository modules they import, and which checks' sink side each file
  // holds: a check whose sink side is only in an imported module still runs, and that module is parsed by the
  // same query, so a value can be followed into its helpers.
  const importers: { file: WalkedFile; imports: string[]; pending: AstCheck[] }[] = [];
  const sinkSideOf = new Map<string, Set<string>>();
  const raw = new Map<string, RawMatch[]>();
  const byAbs = new Map<string, WalkedFile>();
  // Pattern checks by file: each file is parsed once (pass 2) and all of them run on that tree.
  const patternOf = new Map<string, AstCheck[]>();
  const taintOf = new Map<string, AstCheck[]>();
  const notUtf8: { file: WalkedFile; checks: AstCheck[] }[] = [];
  let done = 0;
  for (const file of walked.files) {
    const o = artifacts?.isArtifact(file.rel)
      ? await artifacts.scan(
          file,
          result,
          walked.listed,
          repo.config.contextOf(file.rel) ?? codeContext(file.rel, undefined, hints),
          (id) => repo.config.disabled(id, file.rel),
        )
      : readAndMatchText(compiled, file);
    if (o.kind === "artifact") {
      // read, matched and reported by the artifact scan
    } else if (o.kind === "skipped") {
      result.stats.skipped[o.reason] = (result.stats.skipped[o.reason] ?? 0) + 1;
      walked.listed.add(file.rel, o.reason);
    } else if (o.kind === "error") result.errors.push(o.error);
    else {
      // Checks the repository turned off for this file are dropped before any parsing.
      if (repo.config.summary.disabledChecks.length) {
        const on = (c: { check: { id: string } }) => !repo.config.disabled(c.check.id, file.rel);
        o.raw = o.raw.filter(on);
        o.astChecks = o.astChecks.filter(on);
        o.pendingFlow = o.pendingFlow.filter(on);
      }
      result.stats.files++;
      result.stats.bytes += o.bytes;
      listUse.see(file.rel, o.text);
      reachability?.see(file.rel, o.text, repo.config.contextOf(file.rel) ?? codeContext(file.rel, undefined, hints));
      if (readsDependencies && isImageStepSource(file.rel, o.text)) imageSteps.push({ path: file.rel, text: o.text });
      if (o.raw.length) raw.set(file.rel, [...o.raw]);
      byAbs.set(file.abs, file);
      // ast-grep reads files itself and needs UTF-8; the rare other file is parsed here instead.
      if (!o.validUtf8 && o.astChecks.length) notUtf8.push({ file, checks: o.astChecks as AstCheck[] });
      else
        for (const c of o.astChecks as AstCheck[]) {
          // Data-flow checks share one parse of the file (pass 2b); pattern checks batch across files.
          if (c.matcher.taint) (taintOf.get(file.abs) ?? taintOf.set(file.abs, []).get(file.abs)!).push(c);
          else (patternOf.get(file.abs) ?? patternOf.set(file.abs, []).get(file.abs)!).push(c);
        }
      if (o.validUtf8 && o.sinkSide.length) sinkSideOf.set(file.rel, new Set(o.sinkSide.map((c) => c.check.id)));
      if (o.validUtf8 && (taintOf.has(file.abs) || o.pendingFlow.length))
        importers.push({ file, imports: importedFiles(file.rel, o.text, modules), pending: o.pendingFlow as AstCheck[] });
    }
    if (++done % 200 === 0) {
      opts.onProgress?.(done, total);
      // Yield so a host process (the queue worker renewing its job lock) stays responsive.
      await new Promise((r) => setImmediate(r));
    }
  }

  // Pass 2.
  const add = (rel: string, r: RawMatch | null) => r && (raw.get(rel) ?? raw.set(rel, []).get(rel)!).push(r);
  // Every query of a file reports its parse errors: keep the first line once per file.
  const parseErrors = new Map<string, number>();
  const parseError = (rel: string, line: number | undefined) =>
    line !== undefined && parseErrors.set(rel, Math.min(parseErrors.get(rel) ?? Infinity, line));
  /** One query's matches in one file: a merged query's nodes go to each check whose tag they bind. */
  const onMatches = (checks: readonly AstCheck[], merged: boolean, label: string) => (err: Error | null, nodes: SgNode[]) => {
    if (err) {
      result.errors.push({ path: "", message: `${label} failed: ${err.message.split("\n")[0]}` });
      return;
    }
    const file = nodes.length ? byAbs.get(nodes[0]!.getRoot().filename()) : undefined;
    if (!file) return;
    // A file in a coarsened group keeps only the matches of the checks it selected.
    const own = merged ? patternOf.get(file.abs) : undefined;
    for (const n of nodes) {
      const hits = merged ? checks.filter((c) => own?.includes(c) && n.getMatch(c.matcher.merge!.tag)) : checks;
      for (const c of hits) add(file.rel, nodeToRaw(n, c, merged));
      if (!hits.length || !merged) parseError(file.rel, syntaxErrorLine(n));
    }
  };
  const jobs = patternJobs(patternOf, onMatches, opts.maxPatternQueries ?? MAX_PATTERN_QUERIES);
  // A query over a handful of files cannot keep every core busy on its own; run a few at once, the largest first
  // so that no long one is left running alone at the end.
  jobs.sort((a, b) => b.paths.length - a.paths.length);
  const runNext = async (): Promise<void> => {
    const next = jobs.shift();
    if (!next) return;
    await next.run(next.paths);
    return runNext();
  };
  // Pass 2b: ast-grep parses each file that a data-flow check selected once, on its native threads, and hands
  // back the tree; every data-flow check of that file runs on it.
  // An imported module no data-flow check selected is parsed for its helpers only (no check runs on it).
  const helperModules = new Set<string>();
  for (const { file, imports, pending } of importers) {
    const own = taintOf.get(file.abs) ?? [];
    for (const c of pending)
      if (imports.some((rel) => sinkSideOf.get(rel)?.has(c.check.id)))
        (taintOf.get(file.abs) ?? taintOf.set(file.abs, []).get(file.abs)!).push(c);
    const checks = taintOf.get(file.abs) ?? own;
    for (const rel of imports) if (checks.some((c) => sinkSideOf.get(rel)?.has(c.check.id))) helperModules.add(rel);
  }
  const absOf = new Map(walked.files.map((f) => [f.rel, f.abs]));
  for (const rel of helperModules) {
    const abs = absOf.get(rel);
    if (abs && byAbs.has(abs) && !taintOf.has(abs)) taintOf.set(abs, []);
  }
  const flow = new RepositoryFlow(modules);
  const taintPass = async () => {
    if (taintOf.size === 0) return;
    // A file's query holds the branches of its own data-flow checks and of the checks of the files that import it
    // (their flow may go through its helpers), not the whole TaintSet's: most files use a few of the rulebook's
    // sources and sinks, and every branch is tried on every node. Files that need the same branches share a
    // query, coarsened to a few (compiling one is main-thread time, see merge.ts).
    const first = [...taintOf.values()].find((cs) => cs.length)![0]!;
    const set = first.matcher.taint!.set;
    const needed = new Map([...taintOf].map(([abs, cs]) => [abs, new Set(cs)]));
    for (const { file, imports } of importers) {
      const own = taintOf.get(file.abs) ?? [];
      for (const rel of imports) for (const c of own) needed.get(absOf.get(rel) ?? "")?.add(c);
    }
    const byTags = new Map<string, { members: string[]; paths: string[] }>();
    for (const [abs, checks] of needed) {
      const tags = checks.size ? new Set([...checks].flatMap((c) => [...c.matcher.taint!.roles.keys()])) : new Set(set.tags);
      const members = set.tags.filter((t) => tags.has(t));
      const key = members.join(",");
      (byTags.get(key) ?? byTags.set(key, { members, paths: [] }).get(key)!).paths.push(abs);
    }
    const parsed: { file: WalkedFile; root: SgRoot; nodes: SgNode[]; tags: string[][] }[] = [];
    const queries = coarsen([...byTags.values()], opts.maxFlowQueries ?? MAX_FLOW_QUERIES).map(({ members, paths }) => {
      const keep = new Set(members);
      const tags = set.tags.filter((t) => keep.has(t));
      const config = set.configFor(keep);
      const probe = { check: { id: "(data flow)" }, matcher: { language: "python", config } } as unknown as AstCheck;
      return findInFilesComplete(probe, paths, (err, nodes) => {
        if (err) {
          result.errors.push({ path: "", message: `data-flow checks failed: ${err.message.split("\n")[0]}` });
          return;
        }
        const root = nodes[0]?.getRoot();
        const file = root && byAbs.get(root.filename());
        if (!file) return;
        const found = tagNodes(nodes, set, tags);
        flow.add(file.rel, root, nodes, found);
        parsed.push({ file, root, nodes, tags: found });
      });
    });
    await Promise.all(queries);
    // Files in a stable order, whatever order the queries finished in.
    parsed.sort((a, b) => (a.file.rel < b.file.rel ? -1 : a.file.rel > b.file.rel ? 1 : 0));
    // Every file's helpers are known now: run each file's checks.
    for (const { file, root, nodes, tags } of parsed) {
      const checks = taintOf.get(file.abs)!;
      if (!checks.length) continue;
      const t = taintMatches(root, checks, { nodes, tags, imports: flow.importsOf(file.rel) });
      for (const r of t.raw) add(file.rel, r);
      parseError(file.rel, t.parseErrorLine);
    }
  };
  // How often files are parsed: once per pattern query that selected them, once for all data-flow checks.
  const perFile = new Map<string, number>();
  for (const { paths } of jobs) for (const p of paths) perFile.set(p, (perFile.get(p) ?? 0) + 1);
  for (const p of taintOf.keys()) perFile.set(p, (perFile.get(p) ?? 0) + 1);
  result.stats.parses = {
    total: [...perFile.values()].reduce((a, b) => a + b, 0),
    files: perFile.size,
    maxPerFile: Math.max(0, ...perFile.values()),
    dataFlowFiles: taintOf.size,
  };
  await Promise.all([taintPass(), ...Array.from({ length: Math.min(AST_CONCURRENCY, jobs.length) }, runNext)]);
  for (const { file, checks } of notUtf8) {
    const root = new Map<string, ReturnType<typeof parse>>();
    const text = decode(readFileSync(file.abs)).text;
    const flow: AstCheck[] = [];
    for (const c of checks) {
      const tree = root.get(c.matcher.language) ?? root.set(c.matcher.language, parse(c.matcher.language, text)).get(c.matcher.language)!;
      if (c.matcher.taint) flow.push(c);
      else
        for (const n of tree.root().findAll(c.matcher.config)) {
          const bad = syntaxErrorLine(n);
          if (bad === undefined) add(file.rel, nodeToRaw(n, c));
          else parseError(file.rel, bad);
        }
    }
    if (flow.length) {
      const t = taintMatches(root.get("python")!, flow);
      for (const r of t.raw) add(file.rel, r);
      parseError(file.rel, t.parseErrorLine);
    }
  }

  for (const [path, line] of parseErrors)
    result.errors.push({ path, message: `parsed with errors near line ${line}; findings come from the parts that parsed` });

  // Every text that can name a requirement list has been read (the manifests themselves through the index): a
  // list's context, for its own findings and its advisories', is known from here on.
  if (!listUse.empty) {
    if (readsDependencies) for (const [rel, text] of dependencyIndex().sources) listUse.see(rel, text);
    hints.unshippedLists = listUse.unshipped();
  }

  // Pass 3. A check's unlessDeclared condition reads the other files it names only once one of its matches asks.
  const byRel = new Map([...walked.noticed, ...walked.files].map((f) => [f.rel, f]));
  const declared = new DeclaredIndex(
    [...byRel.keys()],
    (rel) => {
      try {
        return decode(readFileSync(byRel.get(rel)!.abs)).text;
      } catch {
        return undefined;
      }
    },
    (check, message) => result.errors.push({ path: "", message: `check ${check.id}: ${message}; its matches are reported` }),
  );
  const modelLoads = new Map<Finding, LoadedPath>();
  for (const [rel, matches] of raw) {
    const abs = byRel.get(rel)!.abs;
    let lines: string[];
    try {
      lines = splitLines(decode(readFileSync(abs)).text);
    } catch (e) {
      result.errors.push({ path: rel, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? "error"})` });
      continue;
    }
    const context = repo.config.contextOf(rel) ?? codeContext(rel, lines.join("\n"), hints);
    const { findings, suppressed, loads } = finalizeFile(rel, lines, applyWhen(rel, declared.filter(matches), dependencyIndex), context, {
      refuse,
    });
    result.findings.push(...findings);
    result.suppressed.push(...suppressed);
    for (const [f, l] of loads) modelLoads.set(f, l);
  }
  const modelChecks = new Set(compiled.checks.filter((c) => c.matcher.kind === "artifact").map((c) => c.check.id));
  linkModelLoads(result.findings, modelLoads, (f) => modelChecks.has(f.ruleId));
  if (advisoryChecks.length) {
    const index = dependencyIndex();
    // Manifests no other check reads were still read and checked: they count as scanned files.
    const counted = new Set(walked.files.map((f) => f.rel));
    for (const [rel, text] of index.sources)
      if (!counted.has(rel)) {
        result.stats.files++;
        result.stats.bytes += Buffer.byteLength(text);
        // The walk counted it as a file no check reads.
        if (result.stats.skipped["not-a-target"]) result.stats.skipped["not-a-target"]--;
      }
    const a = advisoryFindings(advisoryChecks, index, {
      contextOf: (rel, text) => repo.config.contextOf(rel) ?? codeContext(rel, text, hints),
      disabled: (id, rel) => repo.config.disabled(id, rel),
      refuse,
      ...(reachability ? { reach: (advisory, manifest) => reachability.reach(advisory.reachable, manifest) } : {}),
    });
    result.findings.push(...a.findings);
    result.suppressed.push(...a.suppressed);
    result.advisoriesNotReached = a.notReached;
  }
  opts.onProgress?.(total, total);

  result.findings.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId),
  );
  result.suppressed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  result.errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  result.stats.suppressed = result.suppressed.length;
  if (refuse.size)
    result.stats.refusedSuppressions = {
      severities: [...refuse].sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a]),
      count: result.findings.filter((f) => f.refusedSuppression).length,
    };
  result.skippedFiles = walked.listed.sorted();
  result.skippedFilesOmitted = walked.listed.omitted;
  result.stats.durationMs = Math.round(performance.now() - started);
  return result;
}

/** A query to run over some files: findInFiles with its paths. */
interface QueryJob {
  paths: string[];
  run: (paths: string[]) => Promise<void>;
}

/**
 * The pattern checks' queries: the files that select the same checks share one merged query (coarsened to at most
 * `max` per language, see merge.ts), and a check that cannot be merged has a query of its own over all the files
 * that select it. `onMatches` hands each query's matches on (merged: by the tags they bind).
 */
function patternJobs(
  patternOf: ReadonlyMap<string, AstCheck[]>,
  onMatches: (checks: readonly AstCheck[], merged: boolean, label: string) => Parameters<typeof findInFiles>[2],
  max: number,
): QueryJob[] {
  const jobs: QueryJob[] = [];
  const groups = new Map<string, { checks: AstCheck[]; paths: string[] }>();
  const solo = new Map<AstCheck, string[]>();
  for (const [abs, checks] of patternOf) {
    for (const language of new Set(checks.map((c) => c.matcher.language))) {
      const own = checks.filter((c) => c.matcher.language === language);
      const merged = own.filter((c) => c.matcher.merge);
      for (const c of own) if (!c.matcher.merge) (solo.get(c) ?? solo.set(c, []).get(c)!).push(abs);
      if (!merged.length) continue;
      const key = `${language}:${merged.map((c) => c.matcher.merge!.tag).join(",")}`;
      (groups.get(key) ?? groups.set(key, { checks: merged, paths: [] }).get(key)!).paths.push(abs);
    }
  }
  const byLanguage = new Map<string, { members: AstCheck[]; paths: string[] }[]>();
  for (const { checks, paths } of groups.values()) {
    const language = checks[0]!.matcher.language;
    (byLanguage.get(language) ?? byLanguage.set(language, []).get(language)!).push({ members: checks, paths });
  }
  const coarse = [...byLanguage.values()].flatMap((gs) =>
    coarsen(gs, max).map((g) => ({ checks: orderedChecks(g.members), paths: g.paths })),
  );
  for (const { checks, paths } of coarse) {
    const language = checks[0]!.matcher.language;
    const config = mergedConfig(
      checks.map((c) => c.matcher.merge!),
      language === "python" ? [{ all: [PARSE_ERROR_RULE, { pattern: `$${SYNTAX_ERROR_TAG}` }] }] : [],
    );
    const probe = { check: { id: checks.map((c) => c.check.id).join("+") }, matcher: { language, config } } as unknown as AstCheck;
    jobs.push({ paths, run: (p) => findInFilesComplete(probe, p, onMatches(checks, true, `checks ${probe.check.id}`)) });
  }
  for (const [check, paths] of solo)
    jobs.push({ paths, run: (p) => findInFilesComplete(check, p, onMatches([check], false, `check ${check.check.id}`)) });
  return jobs;
}

/** A lock file can be large; past this it is not a manifest anyone wrote by hand, nor one worth parsing. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/** The repository's dependency declarations, from the manifests the walk noticed and the files they include. */
function readDependencies(
  root: string,
  noticed: readonly WalkedFile[],
  errors: ScanResult["errors"],
  imageSteps: readonly { path: string; text: string }[],
): DependencyIndex {
  let realRoot: string | undefined;
  const read = (rel: string): string | undefined => {
    try {
      // An include is a path someone wrote: never follow it out of the repository through a symbolic link.
      const abs = realpathSync(join(root, rel));
      if (!abs.startsWith((realRoot ??= realpathSync(root)) + sep)) return undefined;
      const st = statSync(abs);
      if (!st.isFile() || st.size > MAX_MANIFEST_BYTES) return undefined;
      return decode(readFileSync(abs)).text;
    } catch {
      return undefined;
    }
  };
  const manifests: { path: string; text: string }[] = [];
  const stepped = new Set(imageSteps.map((s) => s.path));
  for (const f of noticed) {
    // A Dockerfile no check reads still declares what its image installs; one pass 1 read is among imageSteps.
    if (isDockerfile(f.rel) && !isDependencyManifest(f.rel)) {
      const text = stepped.has(f.rel) ? undefined : read(f.rel);
      if (text !== undefined && isImageStepSource(f.rel, text)) manifests.push({ path: f.rel, text });
      continue;
    }
    if (!isDependencyManifest(f.rel)) continue;
    const text = read(f.rel);
    if (text === undefined)
      errors.push({ path: f.rel, message: `cannot read dependency declarations (unreadable or over ${MAX_MANIFEST_BYTES} bytes)` });
    else manifests.push({ path: f.rel, text });
  }
  const built = buildDependencyIndex([...manifests, ...imageSteps], read);
  errors.push(...built.errors);
  return built.index;
}

/**
 * What a file's context depends on beyond its own path and text, read once per scan (best effort: a file that
 * cannot be read only leaves a context at its default): the scripts only CI runs, and the folders holding a copy
 * of another project (their own license file, or .gitattributes linguist-vendored). The CI configuration,
 * launchers and make recipes it reads are also what name the requirement lists that ship (`listUse`).
 */
function contextHintsOf(
  noticed: readonly WalkedFile[],
  files: readonly WalkedFile[],
  maxBytes: number,
  listUse: RequirementListUse,
): ContextHints {
  const ci: string[] = [];
  const launchers: string[] = [];
  const licenses: { path: string; text: string }[] = [];
  let vendoredGlobs: string[] = [];
  for (const f of noticed) {
    const license = isLicenseFile(f.rel);
    const mentioner = !listUse.empty && isListMentioner(f.rel);
    if (!license && !mentioner && f.rel !== ".gitattributes" && !isCiConfig(f.rel) && !isLauncher(f.rel)) continue;
    let text: string;
    try {
      const buf = readFileSync(f.abs);
      if (buf.length > maxBytes) continue;
      text = decode(buf).text;
    } catch {
      continue;
    }
    if (isCiConfig(f.rel) || isLauncher(f.rel) || mentioner) listUse.see(f.rel, text);
    if (license) licenses.push({ path: f.rel, text });
    else if (f.rel === ".gitattributes") vendoredGlobs = linguistVendored(text);
    else if (isCiConfig(f.rel) || isLauncher(f.rel)) (isCiConfig(f.rel) ? ci : launchers).push(text);
  }
  const dirs = [...vendoredDirs(licenses)];
  const byAttributes = vendoredGlobs.length ? picomatch(vendoredGlobs, { dot: true }) : undefined;
  return {
    ciOnlyScripts: ci.length
      ? ciOnlyScripts(
          ci,
          launchers,
          files.map((f) => f.rel),
        )
      : new Set(),
    shippedScripts: shippedScripts(launchers),
    vendored: (path) => dirs.some((d) => path.startsWith(`${d}/`)) || (byAttributes?.(path) ?? false),
  };
}

export function atOrAbove(severity: keyof typeof SEVERITY_RANK, threshold: keyof typeof SEVERITY_RANK): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

export type { ScanStats };
