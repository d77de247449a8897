import { cpus, totalmem } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export const BENCHMARKS_MD = new URL("../docs/BENCHMARKS.md", import.meta.url);
const BENCHMARKS_HEADER = "# Benchmarks\n\nEach section is written by the command named in it; rerun that command to refresh it.\n";

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

/**
 * Replaces (or appends) one benchmark's section, so each benchmark can be rerun on its own. `file` defaults to
 * docs/BENCHMARKS.md (`header` starts a file that does not exist yet). The file is read just before writing, so
 * sections other commands wrote meanwhile are kept.
 */
export function writeSection(id: string, markdown: string, file: URL = BENCHMARKS_MD, header = BENCHMARKS_HEADER): void {
  const begin = `<!-- bench:${id}:begin -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let doc = existsSync(file) ? readFileSync(file, "utf8") : header;
  const re = new RegExp(`${begin}[\\s\\S]*?${end}`);
  doc = re.test(doc) ? doc.replace(re, () => block) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, doc);
}

/** Busy and total jiffies of all CPUs since boot (/proc/stat); two readings give the machine's CPU use between them. */
export function cpuTimes(): { busy: number; total: number } {
  const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
  const v = cpu!.split(/\s+/).slice(1).map(Number);
  const idle = v[3]! + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
