import "server-only";
import type { RemediationParams } from "@/lib/dashboard/remediation.ts";
import { weekly } from "@/lib/dashboard/trends.ts";
import { ChartTable } from "../charts/chart-table.tsx";
import { TimeChart } from "../charts/time-chart.tsx";
import { fmtInt } from "../format.ts";
import { STATUS_COLORS } from "../palette.ts";
import { burndown } from "./data.ts";
import { Panel } from "../panel.tsx";

/** Open findings at each week's end, and what was opened and closed that week, over the chosen range. */
export async function BurndownPanel({ params }: { params: RemediationParams }) {
  const days = await burndown(params);
  const weeks = weekly(days);
  const first = days[0]!;
  const last = days.at(-1)!;
  const opened = weeks.reduce((a, w) => a + w.opened, 0);
  const closed = weeks.reduce((a, w) => a + w.closed, 0);
  return (
    <Panel id="burndown-h" title={`Burndown, last ${params.range} days`}>
      <p className="small muted">
        Open findings went from {fmtInt(first.total)} to {fmtInt(last.total)}: {fmtInt(opened)} opened (new, reopened or returned to open)
        and {fmtInt(closed)} closed (fixed, false positive or accepted risk). Weeks start on Monday; the open count is at the end of each
        week.
      </p>
      <TimeChart
        data={weeks.map((w) => ({ week: w.week, open: w.open, opened: w.opened, closed: w.closed }))}
        x="week"
        height={260}
        series={[
          { key: "opened", label: "Opened", color: STATUS_COLORS.open, kind: "bar" },
          { key: "closed", label: "Closed", color: STATUS_COLORS.fixed, kind: "bar" },
          { key: "open", label: "Open at week end", color: "#1d2330", kind: "line" },
        ]}
      />
      <ChartTable
        caption={`Open findings at the end of each week, and findings opened and closed that week, last ${params.range} days`}
        columns={[
          { key: "week", label: "Week of" },
          { key: "open", label: "Open at end", numeric: true },
          { key: "opened", label: "Opened", numeric: true },
          { key: "closed", label: "Closed", numeric: true },
        ]}
        rows={[...weeks].reverse().map((w) => ({ ...w }))}
      />
    </Panel>
  );
}
