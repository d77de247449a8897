import "server-only";
import Link from "next/link";
import { cache } from "react";
import { coverage, FLOW_DAYS, mttr, openFindings, type RiskRow } from "@/lib/dashboard/overview.ts";
import { cachedAggregate } from "@/lib/dashboard/cache.ts";
import { addDays, openTrend } from "@/lib/dashboard/trends.ts";
import { accessKey, visibilityKey } from "@/lib/findings/visibility.ts";
import { getDashboardCache, getDb } from "@/lib/server/context.ts";
import { requestVisibility } from "@/lib/server/session.ts";
import { ChartTable } from "../charts/chart-table.tsx";
import { DataTable, num } from "../data-table.tsx";
import { OpenTrendChart } from "../charts/open-trend.tsx";
import { TimeChart } from "../charts/time-chart.tsx";
import { fmtDays, fmtInt } from "../format.ts";
import { frameworkLabel, SEVERITY_COLORS, SEVERITY_ORDER, SEVERITY_WEIGHTS, STATUS_COLORS } from "../palette.ts";
import { Panel } from "../panel.tsx";

// One lookup per request, however many panels ask.
// The reader's visibility, scope included; identical questions share one result (the shared panel cache,
// lib/dashboard/cache.ts) only when visibilityKey says they count the same findings of the same teams.
const visible = requestVisibility;
/** The trend and "new vs fixed" panels share one statement. */
const trend = cache(async (days: number) => {
  const visibility = await visible();
  return cachedAggregate(getDashboardCache(), `overview:trend:${days}:${visibilityKey(visibility)}`, () =>
    openTrend(getDb(), { days, visibility, reusePast: true }),
  );
});
/** The cards and both rankings share one pass over the open findings. */
const openAll = cache(async () => {
  const visibility = await visible();
  return cachedAggregate(getDashboardCache(), `overview:open:${visibilityKey(visibility)}`, () =>
    openFindings(getDb(), { limit: 10, visibility }),
  );
});

const sevLabel = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** The findings behind a figure: open ones (the findings page's default status) with these filters. */
export function findingsHref(params: Record<string, string>): string {
  const q = new URLSearchParams(params).toString();
  return q ? `/findings?${q}` : "/findings";
}

export async function SummaryCards() {
  const db = getDb();
  const { access } = await visible();
  const [{ open, overdue }, cov] = await Promise.all([
    openAll(),
    cachedAggregate(getDashboardCache(), `overview:coverage:${accessKey(access)}`, () => coverage(db, { access })),
  ]);
  const total = SEVERITY_ORDER.reduce((a, s) => a + open[s], 0);
  const overdueTotal = SEVERITY_ORDER.reduce((a, s) => a + overdue[s], 0);
  return (
    <div className="grid cols-4 overview-cards">
      <Panel id="card-open" title="Open findings">
        <div className="stat">
          <Link href={findingsHref({})}>{fmtInt(total)}</Link>
        </div>
        <ul className="sev-counts" aria-label="Open findings by severity">
          {SEVERITY_ORDER.map((s) => (
            <li key={s}>
              <span className="sev-dot" style={{ background: SEVERITY_COLORS[s] }} aria-hidden="true" />
              <Link href={findingsHref({ severity: s })}>
                {sevLabel(s)} <strong>{fmtInt(open[s])}</strong>
              </Link>
            </li>
          ))}
        </ul>
      </Panel>
      <Panel id="card-overdue" title="Overdue (past SLA)">
        <div className={`stat${overdueTotal ? " error" : ""}`}>
          <Link href={findingsHref({ overdue: "1" })}>{fmtInt(overdueTotal)}</Link>
        </div>
        <ul className="sev-counts" aria-label="Overdue findings by severity">
          {SEVERITY_ORDER.map((s) => (
            <li key={s}>
              <span className="sev-dot" style={{ background: SEVERITY_COLORS[s] }} aria-hidden="true" />
              <Link href={findingsHref({ severity: s, overdue: "1" })}>
                {sevLabel(s)} <strong>{fmtInt(overdue[s])}</strong>
              </Link>
            </li>
          ))}
        </ul>
        <p className="small muted">
          <Link href="/remediation">SLA view</Link> · {total ? Math.round((overdueTotal / total) * 100) : 0}% of open
        </p>
      </Panel>
      <Panel id="card-coverage" title="Scanned in the last 24 h">
        <div className="stat">
          {fmtInt(cov.scanned24h)} <span className="stat-of">of {fmtInt(cov.repositories)}</span>
        </div>
        <p className="small muted">
          {fmtInt(cov.scanned7d)} in the last 7 days · {fmtInt(cov.neverScanned)} never scanned
        </p>
        <Meter value={cov.scanned24h} max={cov.repositories} label="Repositories scanned in the last 24 hours" />
      </Panel>
      <Panel id="card-failed" title="Failed scans">
        <div className={`stat${cov.failedScans24h ? " error" : ""}`}>
          {fmtInt(cov.failedScans24h)} <span className="stat-of">in 24 h</span>
        </div>
        <p className="small muted">
          {fmtInt(cov.failedScans7d)} in the last 7 days · {fmtInt(cov.failingRepositories)}{" "}
          {cov.failingRepositories === 1 ? "repository" : "repositories"} whose last scan failed
        </p>
        <p className="small">
          <Link href="/repositories">Repositories</Link>
        </p>
      </Panel>
    </div>
  );
}

function Meter({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max ? Math.round((value / max) * 100) : 0;
  return (
    <div
      className="meter"
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={`${pct}%`}
    >
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}

export async function TrendPanel({ range }: { range: number }) {
  const days = await trend(range);
  const today = days.at(-1)!;
  const start = days[0]!;
  const delta = today.total - start.total;
  return (
    <Panel id="trend-h" title={`Open findings by severity, last ${range} days`}>
      <p className="small muted">
        {fmtInt(today.total)} open today, {delta === 0 ? "the same as" : `${fmtInt(Math.abs(delta))} ${delta > 0 ? "more" : "fewer"} than`}{" "}
        on {start.day}. Counted from each finding&apos;s lifecycle: open on a day if first seen by then and not yet fixed, marked false
        positive or accepted as a risk.
      </p>
      <OpenTrendChart days={days} caption={`Open findings by severity per day, last ${range} days`} />
    </Panel>
  );
}

/** Days, or weeks (from Monday) when a range's daily bars would be too thin to read. */
function flowBuckets(days: { day: string; detected: number; fixed: number; opened: number; closed: number }[], byWeek: boolean) {
  const out = new Map<string, { day: string; new: number; fixed: number; opened: number; closed: number }>();
  for (const d of days) {
    const key = byWeek ? addDays(d.day, -((new Date(`${d.day}T00:00:00Z`).getUTCDay() + 6) % 7)) : d.day;
    const b = out.get(key) ?? { day: key, new: 0, fixed: 0, opened: 0, closed: 0 };
    b.new += d.detected;
    b.fixed += d.fixed;
    b.opened += d.opened;
    b.closed += d.closed;
    out.set(key, b);
  }
  return [...out.values()];
}

export async function FlowPanel({ range }: { range: number }) {
  const days = await trend(range);
  const byWeek = range > FLOW_DAYS * 3;
  const rows = flowBuckets(days, byWeek);
  const sum = (k: "new" | "fixed") => rows.reduce((a, r) => a + r[k], 0);
  const per = byWeek ? "week (from Monday)" : "day";
  return (
    <Panel id="flow-h" title={`New vs fixed, last ${range} days`}>
      <p className="small muted">
        {fmtInt(sum("new"))} new findings, {fmtInt(sum("fixed"))} fixed by scans ({sum("fixed") >= sum("new") ? "burning down" : "growing"}
        ); per {per}.
      </p>
      <TimeChart
        data={rows}
        x="day"
        height={260}
        series={[
          { key: "new", label: "New", color: STATUS_COLORS.open, kind: "bar" },
          { key: "fixed", label: "Fixed", color: STATUS_COLORS.fixed, kind: "bar" },
        ]}
      />
      <ChartTable
        caption={`New and fixed findings per ${per}, last ${range} days`}
        columns={[
          { key: "day", label: byWeek ? "Week of" : "Day" },
          { key: "new", label: "New", numeric: true },
          { key: "fixed", label: "Fixed", numeric: true },
          { key: "opened", label: "Entered open (incl. reopened)", numeric: true },
          { key: "closed", label: "Left open (incl. triaged)", numeric: true },
        ]}
        rows={[...rows].reverse()}
      />
    </Panel>
  );
}

export async function MttrPanel({ range }: { range: number }) {
  const visibility = await visible();
  const m = await cachedAggregate(getDashboardCache(), `overview:mttr:${range}:${visibilityKey(visibility)}`, () =>
    mttr(getDb(), { days: range, visibility }),
  );
  return (
    <Panel id="mttr-h" title={`Mean time to remediate, last ${range} days`}>
      <p className="small muted">
        From first detection to the scan that found it fixed; {fmtInt(m.all.count)} findings fixed, {fmtDays(m.all.days)} on average.
      </p>
      <ul className="sev-counts mttr" aria-label="Mean time to remediate by severity">
        {SEVERITY_ORDER.map((s) => (
          <li key={s}>
            <span className="sev-dot" style={{ background: SEVERITY_COLORS[s] }} aria-hidden="true" />
            {sevLabel(s)} <strong>{fmtDays(m.bySeverity[s].days)}</strong>{" "}
            <span className="muted small">({fmtInt(m.bySeverity[s].count)})</span>
          </li>
        ))}
      </ul>
      <TimeChart
        data={m.weeks}
        x="week"
        height={200}
        unit="d"
        yDecimals
        series={SEVERITY_ORDER.map((s) => ({ key: s, label: sevLabel(s), color: SEVERITY_COLORS[s], kind: "line" as const }))}
      />
      <ChartTable
        caption="Mean days to remediate per week of fix, by severity"
        columns={[
          { key: "week", label: "Week of" },
          ...SEVERITY_ORDER.map((s) => ({ key: s, label: `${sevLabel(s)} (days)`, numeric: true, decimals: 1 })),
          { key: "count", label: "Fixed", numeric: true },
        ]}
        rows={[...m.weeks].reverse()}
      />
    </Panel>
  );
}

const weightsText = `Risk = ${SEVERITY_ORDER.map((s) => `${SEVERITY_WEIGHTS[s]} × ${s}`).join(" + ")} open findings.`;

function RiskTable({ rows, kind }: { rows: (RiskRow & { teamName?: string; framework?: string })[]; kind: "policy" | "repository" }) {
  if (!rows.length) return <p className="muted">No open findings.</p>;
  const severityColumns = SEVERITY_ORDER.map((s) => ({
    className: "num",
    title: sevLabel(s),
    label: (
      <>
        <span className="sev-dot" style={{ background: SEVERITY_COLORS[s] }} aria-hidden="true" />
        <span className="visually-hidden">{sevLabel(s)}</span>
        <span aria-hidden="true">{s[0]!.toUpperCase()}</span>
      </>
    ),
  }));
  return (
    <DataTable columns={[kind === "policy" ? "Policy" : "Repository", ...severityColumns, num("Risk")]} rows={rows}>
      {(r) => (
        <tr key={r.id}>
          <td className="wrap-anywhere">
            <Link href={findingsHref({ [kind]: r.id })}>{r.name}</Link>
            <div className="muted small">{kind === "policy" ? frameworkLabel(r.framework ?? "") : r.teamName}</div>
          </td>
          {SEVERITY_ORDER.map((s) => (
            <td key={s} className="num">
              {r[s] ? fmtInt(r[s]) : <span className="muted">0</span>}
            </td>
          ))}
          <td className="num">
            <strong>{fmtInt(r.risk)}</strong>
          </td>
        </tr>
      )}
    </DataTable>
  );
}

/** The ten policies, or repositories, with the most weighted risk among the open findings. */
export async function TopRiskPanel({ kind }: { kind: "policy" | "repository" }) {
  const open = await openAll();
  return (
    <Panel
      id={kind === "policy" ? "top-pol-h" : "top-repo-h"}
      title={`Top ${kind === "policy" ? "policies" : "repositories"} by weighted risk`}
    >
      <p className="small muted">{weightsText}</p>
      <RiskTable rows={kind === "policy" ? open.policies : open.repositories} kind={kind} />
    </Panel>
  );
}
