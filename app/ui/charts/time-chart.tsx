"use client";
/**
 * One chart for every time series on the dashboard: areas, bars and lines over days or weeks, mixed as the
 * series ask. It receives plain data from a server component and is hidden from assistive technology: the
 * caller renders the same numbers as a table (ChartTable) next to it. The fixed-height box means nothing
 * moves when the chart draws in the browser.
 */
import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  kind: "area" | "bar" | "line";
  /** Series with the same stack id are stacked. */
  stack?: string;
  dashed?: boolean;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "2026-11-22" → "22 Nov". */
export function shortDay(day: string): string {
  const [, m, d] = day.split("-");
  return `${Number(d)} ${MONTHS[Number(m) - 1] ?? ""}`;
}

const compactFmt = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });
/** Axis ticks: 240,000 → "240K", so long numbers are not cut off. */
const compact = (v: number) => compactFmt.format(v);

/** Stacked areas are drawn bottom-up (lowest severity first) but read best top-down in the legend. */
function legendOrder(series: ChartSeries[]): ChartSeries[] {
  return series.some((s) => s.kind === "area" && s.stack) ? [...series].reverse() : series;
}

/** What every kind of series shares: its column of the data, its name in the legend and tooltip, and no animation. */
function seriesProps(s: ChartSeries) {
  return { dataKey: s.key, name: s.label, isAnimationActive: false };
}

export function TimeChart({
  data,
  x,
  series,
  height = 240,
  unit,
  yDecimals = false,
}: {
  data: Record<string, string | number | null>[];
  /** The key holding the YYYY-MM-DD label. */
  x: string;
  series: ChartSeries[];
  height?: number;
  unit?: string;
  yDecimals?: boolean;
}) {
  const order = new Map(legendOrder(series).map((s, i) => [s.key, i]));
  const fmt = (v: unknown) =>
    typeof v === "number" ? `${yDecimals ? v.toFixed(1) : v.toLocaleString("en-GB")}${unit ? ` ${unit}` : ""}` : "—";
  return (
    <div className="chart-box" style={{ height }} aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        {/* The chart is hidden from assistive technology (its table says the same), so it takes no focus either. */}
        <ComposedChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis dataKey={x} tick={{ fontSize: 11 }} tickFormatter={shortDay} minTickGap={28} />
          <YAxis allowDecimals={yDecimals} tick={{ fontSize: 11 }} width={44} tickFormatter={compact} />
          <Tooltip labelFormatter={(l) => shortDay(String(l))} formatter={(v) => fmt(v)} />
          {/* In the order given (the default sorts by name). */}
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={(item) => order.get(String(item.dataKey)) ?? 0} />
          {series.map((s) =>
            s.kind === "area" ? (
              <Area key={s.key} {...seriesProps(s)} type="stepAfter" stackId={s.stack} stroke={s.color} fill={s.color} fillOpacity={0.5} />
            ) : s.kind === "bar" ? (
              <Bar key={s.key} {...seriesProps(s)} stackId={s.stack} fill={s.color} maxBarSize={18} />
            ) : (
              // Straight segments between measured points, a dot on each, and a gap where there is no value:
              // a curve would invent values between points, and joining across nulls would invent whole weeks.
              <Line
                key={s.key}
                {...seriesProps(s)}
                type="linear"
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray={s.dashed ? "4 3" : undefined}
                dot={{ r: 2.5, fill: s.color, strokeWidth: 0 }}
                connectNulls={false}
              />
            ),
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
