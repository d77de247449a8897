import "server-only";
import { coverageTrend } from "@/lib/dashboard/coverage.ts";
import { COVERAGE_TTL_SECONDS, cachedAggregate } from "@/lib/dashboard/cache.ts";
import { accessKey } from "@/lib/findings/visibility.ts";
import { getDashboardCache, getDb } from "@/lib/server/context.ts";
import { requestVisibility } from "@/lib/server/session.ts";
import { ChartTable } from "../charts/chart-table.tsx";
import { TimeChart } from "../charts/time-chart.tsx";
import { Panel } from "../panel.tsx";

/** Scan coverage as a percentage over time (issue 14 §2): the share of repositories scanned in the last 24 h and 7 days. */
export async function CoverageTrendPanel({ range }: { range: number }) {
  const days = Math.min(range, 90);
  const { access } = await requestVisibility();
  const points = await cachedAggregate(
    getDashboardCache(),
    `overview:coverage-trend:${days}:${accessKey(access)}`,
    () => coverageTrend(getDb(), { days, access }),
    // Finished scans invalidate it; the clock moves its 24-hour and 7-day windows by minutes, not seconds.
    COVERAGE_TTL_SECONDS,
  );
  const today = points.at(-1);
  return (
    <Panel id="coverage-trend-h" title={`Scan coverage, last ${days} days`}>
      <p className="small muted">
        {today?.repositories
          ? `Today ${today.pct24h}% of ${today.repositories} repositories were scanned in the last 24 hours, ${today.pct7d}% in the last 7 days.`
          : "No repositories yet."}{" "}
        Each day counts the repositories registered and not archived then.
      </p>
      <TimeChart
        data={points.map((p) => ({ day: p.day, pct24h: p.pct24h, pct7d: p.pct7d }))}
        x="day"
        unit="%"
        height={220}
        series={[
          { key: "pct7d", label: "Scanned in 7 days", color: "#7a9cc6", kind: "line" },
          { key: "pct24h", label: "Scanned in 24 hours", color: "#1f5fa8", kind: "line" },
        ]}
      />
      <ChartTable
        caption={`Share of repositories scanned in the last 24 hours and 7 days, per day, last ${days} days`}
        columns={[
          { key: "day", label: "Day" },
          { key: "repositories", label: "Repositories", numeric: true },
          { key: "pct24h", label: "Scanned in 24 h (%)", numeric: true, decimals: 1 },
          { key: "pct7d", label: "Scanned in 7 days (%)", numeric: true, decimals: 1 },
        ]}
        rows={[...points].reverse().map((p) => ({ ...p }))}
      />
    </Panel>
  );
}
