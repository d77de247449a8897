"use client";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { SEVERITY_COLORS, SEVERITY_ORDER } from "../palette.ts";

export interface TrendPoint {
  day: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
}

/** Open findings by severity per day, stacked; the page renders a text equivalent next to it. */
export function OpenTrendChart({ data, height = 220 }: { data: TrendPoint[]; height?: number }) {
  return (
    <div style={{ width: "100%", height }} aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" />
          <XAxis dataKey="day" tick={{ fontSize: 11 }} tickFormatter={(d: string) => d.slice(5)} minTickGap={24} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {[...SEVERITY_ORDER].reverse().map((s) => (
            <Area key={s} type="stepAfter" dataKey={s} stackId="open" stroke={SEVERITY_COLORS[s]} fill={SEVERITY_COLORS[s]} fillOpacity={0.55} isAnimationActive={false} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
