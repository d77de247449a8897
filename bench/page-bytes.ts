/**
 * Page weight (issue 17: every page ≤ 150 KB of HTML + RSC payload): for each page, the bytes of the whole
 * document a browser loads (the HTML with the RSC payload Next inlines into it, streamed panels included), the
 * part of it that is the inlined RSC payload, and the RSC payload alone as a client-side navigation fetches it.
 * Used by bench/dashboard.ts; runnable alone against any server:
 *
 *   POSTURE_BENCH_URL=http://127.0.0.1:3100 POSTURE_BENCH_COOKIE='posture_session=…' node --import tsx bench/page-bytes.ts /findings /heatmap
 */
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const PAGE_BYTES_BUDGET = 150 * 1024;

export interface PageBytes {
  name: string;
  path: string;
  status: number;
  /** The document: HTML with the inlined RSC payload. */
  documentBytes: number;
  documentGzip: number;
  /** Of the document, the RSC payload strings Next pushes (self.__next_f). */
  inlineRscBytes: number;
  /** The payload of a client-side navigation to the page (`RSC: 1`). */
  rscBytes: number;
  /** Number of <option> elements in the HTML (the controls that used to list every repository). */
  options: number;
}

/** Pages bench/dashboard.ts does not time but whose weight counts too (every page has the budget). */
export function weightOnlyPages(ids: { repository: string }): { name: string; path: string }[] {
  return [
    { name: "my findings", path: "/my" },
    { name: "heatmap: team columns", path: "/heatmap?columns=teams" },
    { name: "heatmap: page 2", path: "/heatmap?page=2" },
    { name: "repository", path: `/repositories/${encodeURIComponent(ids.repository)}` },
    { name: "approvals", path: "/approvals" },
    { name: "rules", path: "/rules" },
    { name: "settings", path: "/settings" },
    { name: "admin: users", path: "/admin/users" },
    { name: "admin: teams", path: "/admin/teams" },
    { name: "admin: tokens", path: "/admin/tokens" },
    { name: "admin: audit", path: "/admin/audit" },
  ];
}

const INLINE_RSC = /self\.__next_f\.push\(\[1,("(?:[^"\\]|\\.)*")\]\)/g;

async function body(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(url, { headers, redirect: "manual" });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

export async function measurePageBytes(base: string, cookie: string, pages: { name: string; path: string }[]): Promise<PageBytes[]> {
  const out: PageBytes[] = [];
  for (const { name, path } of pages) {
    const doc = await body(base + path, { cookie, accept: "text/html" });
    // Next answers an RSC request without its cache-busting `_rsc` parameter with a redirect to one.
    const rsc = await body(`${base}${path}${path.includes("?") ? "&" : "?"}_rsc`, { cookie, RSC: "1" });
    const html = doc.bytes.toString("utf8");
    let inline = 0;
    for (const m of html.matchAll(INLINE_RSC)) inline += Buffer.byteLength(JSON.parse(m[1]!) as string);
    out.push({
      name,
      path,
      status: doc.status,
      documentBytes: doc.bytes.length,
      documentGzip: gzipSync(doc.bytes).length,
      inlineRscBytes: inline,
      rscBytes: rsc.status === 200 ? rsc.bytes.length : 0,
      options: (html.match(/<option\b/g) ?? []).length,
    });
  }
  return out;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function withinBudget(r: PageBytes): boolean {
  return r.status === 200 && r.documentBytes <= PAGE_BYTES_BUDGET;
}

export function pageBytesLine(r: PageBytes): string {
  return `${r.name}: ${r.path}: HTTP ${r.status}, document ${kb(r.documentBytes)} (gzip ${kb(r.documentGzip)}; inline RSC ${kb(r.inlineRscBytes)}), RSC navigation ${kb(r.rscBytes)}, ${r.options} <option>s${withinBudget(r) ? "" : " - OVER BUDGET"}`;
}

/** A Markdown table for docs/BENCHMARKS.md. */
export function pageBytesMarkdown(rows: PageBytes[]): string {
  return [
    `Page weight (budget ${kb(PAGE_BYTES_BUDGET)} per page: the document, i.e. the HTML with its inlined RSC payload; bench/page-bytes.ts):`,
    "",
    "| page | path | HTTP | document | gzip | of it inline RSC | RSC navigation | `<option>`s | ≤ 150 KB |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.name} | \`${r.path.replace(/=[a-z0-9_]*bench_[a-z0-9_]+/g, "=<id>")}\` | ${r.status} | ${kb(r.documentBytes)} | ${kb(r.documentGzip)} | ${kb(r.inlineRscBytes)} | ${kb(r.rscBytes)} | ${r.options} | ${withinBudget(r) ? "met" : "**not met**"} |`,
    ),
  ].join("\n");
}

async function main() {
  const base = (process.env.POSTURE_BENCH_URL ?? "http://127.0.0.1:3100").replace(/\/+$/, "");
  const cookie = process.env.POSTURE_BENCH_COOKIE;
  if (!cookie) {
    console.error("page-bytes: set POSTURE_BENCH_COOKIE to a signed-in session cookie (posture_session=…)");
    process.exit(2);
  }
  const paths = process.argv.slice(2);
  const rows = await measurePageBytes(
    base,
    cookie,
    (paths.length ? paths : ["/"]).map((p) => ({ name: p, path: p })),
  );
  for (const r of rows) console.log(pageBytesLine(r));
  process.exitCode = rows.every(withinBudget) ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(`page-bytes failed: ${(e as Error).message}`);
    process.exit(1);
  });
}
