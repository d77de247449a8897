"use client";
import { useId, useState } from "react";
import { cronProblem, nextRuns, validTimeZone } from "@/lib/schedule.ts";
import { fmtDateTime } from "../format.ts";

/**
 * The rescan schedule's fields with its next runs as the user types, checked by the same parser the server
 * uses (lib/schedule.ts): a refused expression says why before it is ever sent.
 */
export function ScheduleFields({ enabled: enabled0, cron: cron0, timezone: tz0 }: { enabled: boolean; cron: string; timezone: string }) {
  const id = useId();
  const [enabled, setEnabled] = useState(enabled0);
  const [cron, setCron] = useState(cron0);
  const [tz, setTz] = useState(tz0);
  const tzOk = validTimeZone(tz.trim());
  const problem = cronProblem(cron, tzOk ? tz.trim() : "UTC");
  const runs = !problem && tzOk ? nextRuns(cron, tz.trim(), 3) : [];
  return (
    <>
      <div className="filters">
        <label className="check-row">
          <input name="scheduleEnabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} value="true" />{" "}
          Rescan every repository on a schedule
        </label>
        <label>
          Cron schedule <span className="muted small">(minute hour day-of-month month day-of-week)</span>
          <input
            name="scheduleCron"
            required
            value={cron}
            onChange={(e) => setCron(e.target.value)}
            className="mono"
            maxLength={100}
            aria-describedby={`${id}-runs`}
            aria-invalid={problem ? true : undefined}
            spellCheck={false}
          />
        </label>
        <label>
          Time zone <span className="muted small">(e.g. UTC, Europe/Berlin)</span>
          <input
            name="scheduleTimezone"
            required
            value={tz}
            onChange={(e) => setTz(e.target.value)}
            maxLength={64}
            aria-invalid={tzOk ? undefined : true}
            spellCheck={false}
          />
        </label>
      </div>
      <p id={`${id}-runs`} className="small" aria-live="polite">
        {problem ? (
          <span className="error">Cron schedule: {problem}</span>
        ) : !tzOk ? (
          <span className="error">Time zone: not a known time zone (e.g. UTC, Europe/Berlin)</span>
        ) : (
          <span className="muted">
            {enabled
              ? "Next runs"
              : "The schedule is off: repositories are scanned when registered or when someone asks. When on, it would run"}
            : {runs.map((d) => fmtDateTime(d)).join(" · ")}
          </span>
        )}
      </p>
    </>
  );
}
