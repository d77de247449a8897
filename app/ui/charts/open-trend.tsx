import type { TrendDay } from "@/lib/dashboard/trends.ts";
import { SEVERITY_COLORS, SEVERITY_ORDER } from "../palette.ts";
import { ChartTable } from "./chart-table.tsx";
import { TimeChart } from "./time-chart.tsx";

const sevLabel = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * Open findings by severity per day, stacked, with its data table: the overview's chart, and a repository's,
 * so both read the same (dates, colours, legend order critical first).
 */
export function OpenTrendChart({
  days,
  caption,
  height = 260,
}: {
  days: Pick<TrendDay, "day" | "critical" | "high" | "medium" | "low" | "total">[];
  caption: string;
  height?: number;
}) {
  const rows = days.map((d) => ({ day: d.day, critical: d.critical, high: d.high, medium: d.medium, low: d.low, total: d.total }));
  return (
    <>
      <TimeChart
        data={rows}
        x="day"
        height={height}
        series={[...SEVERITY_ORDER]
          .reverse()
          .map((s) => ({ key: s, label: sevLabel(s), color: SEVERITY_COLORS[s], kind: "area" as const, stack: "open" }))}
      />
      <ChartTable
        caption={caption}
        columns={[
          { key: "day", label: "Day" },
          ...SEVERITY_ORDER.map((s) => ({ key: s, label: sevLabel(s), numeric: true })),
          { key: "total", label: "Total", numeric: true },
        ]}
        rows={[...rows].reverse()}
      />
    </>
  );
}
