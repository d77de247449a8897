/**
 * Model artifacts in a scan: scanDirectory hands each file an artifact check's globs take to `scan`, which reads
 * it (lib/engine/artifacts/inspect.ts), reports findings, errors and skips into the scan's result, and keeps the
 * counts of formats in stats.artifacts. The walk lets these files past the text size cap (they are streamed);
 * the artifact limits bound what is read instead.
 */
import picomatch from "picomatch";
import type { Check } from "../rulebook.ts";
import type { SkippedList, WalkedFile } from "../walk.ts";
import type { CodeContext, Finding, ScanResult, Severity } from "../types.ts";
import { artifactFindings, type CompiledArtifact } from "./checks.ts";
import { DEFAULT_ARTIFACT_LIMITS, inspectArtifact, SAFE_FORMATS, type ArtifactFormat, type ArtifactLimits } from "./inspect.ts";

export interface ArtifactStats {
  /** Model files read (LFS pointers and unknown binaries are skipped, not counted here). */
  files: number;
  bytesRead: number;
  formats: Partial<Record<ArtifactFormat, number>>;
  /** Files in a format that cannot carry code (safetensors, ONNX, GGUF). */
  safe: number;
  /** Pickle streams read, in files and inside archives. */
  pickles: number;
}

interface ArtifactCheck {
  check: Check;
  globSet: number;
  matcher: CompiledArtifact;
}

export class ArtifactScan {
  readonly stats: ArtifactStats = { files: 0, bytesRead: 0, formats: {}, safe: 0, pickles: 0 };
  private readonly limits: ArtifactLimits;
  private readonly scanBudget: { remaining: number };
  private readonly layerClasses: Set<string>;
  readonly isArtifact: (path: string) => boolean;

  private constructor(
    private readonly checks: ArtifactCheck[],
    private readonly globSets: ((path: string) => boolean)[],
    limits: Partial<ArtifactLimits>,
    private readonly render: (check: Check, vars: Record<string, string>, context: CodeContext) => { message: string; severity: Severity },
  ) {
    this.limits = { ...DEFAULT_ARTIFACT_LIMITS, ...limits };
    this.scanBudget = { remaining: this.limits.maxScanBytes };
    this.layerClasses = new Set(checks.flatMap((c) => [...c.matcher.layers]));
    this.isArtifact = picomatch(
      checks.flatMap((c) => c.check.files),
      { dot: true },
    );
  }

  /** The artifact scan of a compiled rulebook, or undefined when none of its checks reads artifacts. */
  static of(
    rulebook: { checks: readonly { check: Check; globSet: number; matcher: { kind: string } }[]; globSets: ((path: string) => boolean)[] },
    limits: Partial<ArtifactLimits> | undefined,
    render: (check: Check, vars: Record<string, string>, context: CodeContext) => { message: string; severity: Severity },
  ): ArtifactScan | undefined {
    const checks = rulebook.checks.filter((c): c is ArtifactCheck => c.matcher.kind === "artifact");
    return checks.length ? new ArtifactScan(checks, rulebook.globSets, limits ?? {}, render) : undefined;
  }

  /** Reads one file and reports into `result`; never throws for what the file holds. */
  async scan(
    file: WalkedFile,
    result: ScanResult,
    listed: SkippedList,
    context: CodeContext,
    disabled: (checkId: string) => boolean,
  ): Promise<{ kind: "artifact" }> {
    result.stats.artifacts = this.stats;
    const checks = this.checks.filter((c) => this.globSets[c.globSet]!(file.rel) && !disabled(c.check.id));
    const inv = await inspectArtifact(file.abs, file.rel, {
      limits: this.limits,
      scanBudget: this.scanBudget,
      layerClasses: this.layerClasses,
    });
    this.stats.bytesRead += inv.bytesRead;
    const skip = (reason: "lfs-pointer" | "binary", detail?: string) => {
      result.stats.skipped[reason] = (result.stats.skipped[reason] ?? 0) + 1;
      listed.add(file.rel, reason, detail);
    };
    if (inv.lfsPointer) {
      skip(
        "lfs-pointer",
        `not scanned: LFS pointer${inv.lfsPointer.size !== undefined ? ` to ${inv.lfsPointer.size} bytes` : ""}${inv.lfsPointer.oid ? ` (${inv.lfsPointer.oid})` : ""}`,
      );
      return { kind: "artifact" };
    }
    for (const message of inv.problems) result.errors.push({ path: file.rel, message });
    if (!inv.format) {
      if (!inv.problems.length) skip("binary", file.size === 0 ? "empty" : "not a model format Posture reads");
      return { kind: "artifact" };
    }
    this.stats.files++;
    this.stats.formats[inv.format] = (this.stats.formats[inv.format] ?? 0) + 1;
    if (SAFE_FORMATS.includes(inv.format)) this.stats.safe++;
    this.stats.pickles += inv.pickles.length;
    result.stats.files++;
    result.stats.bytes += inv.bytesRead;
    const findings: Finding[] = artifactFindings(file.rel, inv, checks, context, (check, vars) => this.render(check, vars, context));
    result.findings.push(...findings);
    return { kind: "artifact" };
  }
}
