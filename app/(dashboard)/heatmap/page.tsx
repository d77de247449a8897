import Link from "next/link";
import { CheckboxFieldset } from "@/app/ui/select-field.tsx";
import { TeamSelect } from "@/app/ui/team-select.tsx";
import { Suspense } from "react";
import { heatBucket, heatmap, heatmapParams, type HeatmapParams } from "@/lib/dashboard/heatmap.ts";
import { frameworkToDb } from "@/lib/catalogue.ts";
import { FRAMEWORKS, SEVERITIES } from "@/lib/engine/types.ts";
import { FINDING_STATUSES, OPEN_STATUSES } from "@/lib/findings/status.ts";
import type { Visibility } from "@/lib/findings/visibility.ts";
import { getDb, sharedView } from "@/lib/server/context.ts";
import { requirePage, requestVisibility } from "@/lib/server/session.ts";
import { EmptyState } from "@/app/ui/empty.tsx";
import { fmtInt } from "@/app/ui/format.ts";
import { type GridCell, HeatmapGrid } from "@/app/ui/heatmap/heatmap-grid.tsx";
import { HeatLegend } from "@/app/ui/heatmap/legend.tsx";
import { FRAMEWORK_LABELS, SEVERITY_INK, STATUS_LABELS } from "@/app/ui/palette.ts";
import { PanelSkeleton } from "@/app/ui/skeletons.tsx";
import { ReplaceUrl } from "@/app/ui/replace-url.tsx";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function toQuery(p: HeatmapParams, change: Partial<HeatmapParams> = {}): string {
  const n = { ...p, ...change };
  const q = new URLSearchParams();
  if (n.columns !== "repositories") q.set("columns", n.columns);
  if (n.group !== "framework") q.set("group", n.group);
  if (n.framework) q.set("framework", n.framework.join(","));
  if (n.severity) q.set("severity", n.severity.join(","));
  if (n.status) q.set("status", n.status.join(","));
  if (n.team) q.set("team", n.team);
  if (n.page > 1) q.set("page", String(n.page));
  const s = q.toString();
  return s ? `/heatmap?${s}` : "/heatmap";
}

export default async function HeatmapPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePage("findings:read", "/heatmap");
  const p = heatmapParams.parse(await searchParams);
  const statuses = p.status ?? [...OPEN_STATUSES];
  return (
    <>
      <div className="page-header">
        <h1>Heatmap</h1>
        <div className="row-flex">
          <span className="small muted">Columns:</span>
          <nav className="tabs" aria-label="Columns">
            <Link href={toQuery(p, { columns: "repositories", page: 1 })} aria-current={p.columns === "repositories" ? "true" : undefined}>
              Repositories
            </Link>
            <Link href={toQuery(p, { columns: "teams", page: 1 })} aria-current={p.columns === "teams" ? "true" : undefined}>
              Teams
            </Link>
          </nav>
          <span className="small muted">Rows:</span>
          <nav className="tabs" aria-label="Row grouping">
            <Link href={toQuery(p, { group: "framework" })} aria-current={p.group === "framework" ? "true" : undefined}>
              By framework
            </Link>
            <Link href={toQuery(p, { group: "none" })} aria-current={p.group === "none" ? "true" : undefined}>
              Flat
            </Link>
          </nav>
        </div>
      </div>
      <form method="get" action="/heatmap" className="filters heat-filters" aria-label="Filter the heatmap">
        {p.columns !== "repositories" ? <input type="hidden" name="columns" value={p.columns} /> : null}
        {p.group !== "framework" ? <input type="hidden" name="group" value={p.group} /> : null}
        <CheckboxFieldset
          legend="Framework"
          name="framework"
          options={FRAMEWORKS.map((f) => [f, FRAMEWORK_LABELS[frameworkToDb(f)]] as const)}
          checked={p.framework}
          labelClassName="check"
        />
        <CheckboxFieldset
          legend="Severity"
          name="severity"
          options={SEVERITIES.map(
            (s) =>
              [
                s,
                <span key={s} style={{ color: SEVERITY_INK[s], fontWeight: 600 }}>
                  {s}
                </span>,
              ] as const,
          )}
          checked={p.severity}
          labelClassName="check"
        />
        <CheckboxFieldset
          legend="Status"
          name="status"
          options={FINDING_STATUSES.map((s) => [s, STATUS_LABELS[s]] as const)}
          checked={statuses}
          labelClassName="check"
        />
        <TeamSelect value={p.team} />
        <button type="submit">Apply</button>
        <Link href={p.columns === "teams" ? "/heatmap?columns=teams" : "/heatmap"}>Reset</Link>
      </form>
      <HeatLegend />
      <Suspense key={toQuery(p)} fallback={<PanelSkeleton height={520} />}>
        <HeatmapPanel p={p} />
      </Suspense>
    </>
  );
}

/** The grid's counts from the shared dashboard cache (lib/dashboard/cache.ts), per view and reader's scope. */
const sharedHeatmap = (p: HeatmapParams, visibility: Visibility) =>
  sharedView("heatmap", p, visibility, () => heatmap(getDb(), p, visibility));

async function HeatmapPanel({ p }: { p: HeatmapParams }) {
  const visibility = await requestVisibility();
  const asked = await sharedHeatmap(p, visibility);
  // A page of columns past the end shows the last page, and the address bar says so.
  const past = asked.columns.length === 0 && asked.columnCount > 0 && p.page > asked.pages;
  if (past) p = { ...p, page: asked.pages };
  const data = past ? await sharedHeatmap(p, visibility) : asked;
  const kind = p.columns === "teams" ? "teams" : "repositories";
  if (data.columnCount === 0) {
    return (
      <section className="panel">
        <EmptyState
          title="No findings match"
          action={
            p.framework || p.severity || p.status || p.team
              ? { href: "/heatmap", label: "Reset filters" }
              : { href: "/repositories", label: "Register a repository" }
          }
        >
          {p.framework || p.severity || p.status || p.team
            ? "No open findings match these filters; widen them or reset."
            : "No repository has open findings yet. Register repositories and let their first scans finish; the heatmap then shows where the risk is."}
        </EmptyState>
      </section>
    );
  }
  // The open statuses are the findings page's default: leave them out, so its filter reads "Open (any)".
  const defaultStatuses = data.statuses.length === OPEN_STATUSES.length && OPEN_STATUSES.every((s) => data.statuses.includes(s));
  const extra = new URLSearchParams();
  if (!defaultStatuses) extra.set("status", data.statuses.join(","));
  if (p.severity) extra.set("severity", p.severity.join(","));
  const columnHref = (columnId: string) =>
    kind === "teams" ? toQuery(p, { columns: "repositories", team: columnId, page: 1 }) : `/repositories/${encodeURIComponent(columnId)}`;
  // The grid is a client component: it gets ids, names and numbers only (see GridCell), never the rows.
  const policyIndex = new Map(data.policies.map((x, i) => [x.id, i]));
  const columnIndex = new Map(data.columns.map((x, i) => [x.id, i]));
  const cells: GridCell[] = data.cells.flatMap((c) => {
    const pi = policyIndex.get(c.policyId);
    const ci = columnIndex.get(c.columnId);
    return pi === undefined || ci === undefined ? [] : [[pi, ci, c.critical, c.high, c.medium, c.low, heatBucket(c.weight)] as const];
  });
  const from = (data.page - 1) * data.perPage + 1;
  const to = from + data.columns.length - 1;
  return (
    <section className="panel heat-panel">
      {past ? <ReplaceUrl href={toQuery(p)} /> : null}
      <p className="heat-note small" role="status">
        {`Showing ${kind} ${fmtInt(from)}–${fmtInt(to)} of ${fmtInt(data.columnCount)} with matching findings, highest weighted risk first. Total is each policy’s findings across the ${kind} shown.`}
        {kind === "repositories" && data.columnCount > data.perPage && !p.team ? " Filter by team to narrow." : ""}
      </p>
      {data.columns.length ? (
        <HeatmapGrid
          policies={data.policies}
          columns={data.columns.map((c) => ({ id: c.id, name: c.name, weight: c.weight, total: c.total, href: columnHref(c.id) }))}
          cells={cells}
          group={p.group === "framework"}
          columnKind={kind}
          cellQuery={extra.toString()}
        />
      ) : null}
      {data.pages > 1 ? (
        <nav className="pagination" aria-label="Column pages">
          {data.page > 1 ? <Link href={toQuery(p, { page: Math.min(data.page - 1, data.pages) })}>← Higher risk</Link> : null}
          <span className="small">
            Columns page {data.page} of {data.pages}
          </span>
          {data.page < data.pages ? <Link href={toQuery(p, { page: data.page + 1 })}>Lower risk →</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}
