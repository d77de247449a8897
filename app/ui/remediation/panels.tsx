import "server-only";
import Link from "next/link";
import { cache } from "react";
import {
  acceptedRisks,
  DUE_SOON_DAYS,
  REPOSITORIES_SHOWN,
  REPOSITORIES_SHOWN_MORE,
  RETURNED_DAYS,
  scopeOf,
  slaView,
  statusBreakdown,
  type RemediationParams,
  type StatusRow,
} from "@/lib/dashboard/remediation.ts";
import { openTrend, weekly } from "@/lib/dashboard/trends.ts";
import { FINDING_STATUSES } from "@/lib/findings/status.ts";
import { getDb } from "@/lib/server/context.ts";
import { requestVisibility } from "@/lib/server/session.ts";
import { SeverityBadge, StatusBadge } from "../badges.tsx";
import { ChartTable } from "../charts/chart-table.tsx";
import { TimeChart } from "../charts/time-chart.tsx";
import { EmptyState } from "../empty.tsx";
import { fmtDate, fmtInt } from "../format.ts";
import { STATUS_COLORS, STATUS_LABELS } from "../palette.ts";

// The reader's visibility, scope included (lib/findings/visibility.ts), once per request.
const visible = requestVisibility;

/** A link to the remediation page with some parameters changed (others kept, empty ones dropped). */
export function remediationHref(p: RemediationParams, change: Partial<Record<keyof RemediationParams, string | undefined>>): string {
  const q = new URLSearchParams();
  const merged = { team: p.team, repository: p.repository, range: p.range === 90 ? undefined : String(p.range), more: p.more, ...change };
  for (const [k, v] of Object.entries(merged)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `/remediation?${s}` : "/remediation";
}

function StatusBar({ row }: { row: StatusRow }) {
  if (!row.total) return null;
  return (
    <div className="status-bar" aria-hidden="true">
      {FINDING_STATUSES.map((s) =>
        row.counts[s] ? (
          <span
            key={s}
            style={{ width: `${(row.counts[s] / row.total) * 100}%`, background: STATUS_COLORS[s] }}
            title={`${STATUS_LABELS[s]}: ${row.counts[s]}`}
          />
        ) : null,
      )}
    </div>
  );
}

function StatusTable({
  rows,
  kind,
  params,
}: {
  rows: (StatusRow & { teamName?: string })[];
  kind: "team" | "repository";
  params: RemediationParams;
}) {
  return (
    <div className="table-scroll">
      <table className="data status-table">
        <thead>
          <tr>
            <th scope="col">{kind === "team" ? "Team" : "Repository"}</th>
            {FINDING_STATUSES.map((s) => (
              <th key={s} scope="col" className="num">
                <span className="status-dot" style={{ background: STATUS_COLORS[s] }} aria-hidden="true" />
                {STATUS_LABELS[s]}
              </th>
            ))}
            <th scope="col" className="bar-col">
              <span className="visually-hidden">Share by status</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td className="wrap-anywhere">
                {kind === "team" ? (
                  <Link href={remediationHref(params, { team: r.id, repository: undefined, more: undefined })}>{r.name}</Link>
                ) : (
                  <>
                    <Link href={remediationHref(params, { repository: r.id, more: undefined })}>{r.name}</Link>
                    <div className="muted small">{r.teamName}</div>
                  </>
                )}
              </td>
              {FINDING_STATUSES.map((s) => (
                <td key={s} className="num">
                  {r.counts[s] ? (
                    <Link
                      href={`/findings?${new URLSearchParams({ [kind]: r.id, status: s })}`}
                      aria-label={`${fmtInt(r.counts[s])} ${STATUS_LABELS[s].toLowerCase()} in ${r.name}`}
                    >
                      {fmtInt(r.counts[s])}
                    </Link>
                  ) : (
                    <span className="muted">0</span>
                  )}
                </td>
              ))}
              <td className="bar-col">
                <StatusBar row={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export async function StatusPanels({ params }: { params: RemediationParams }) {
  const limit = params.more ? REPOSITORIES_SHOWN_MORE : REPOSITORIES_SHOWN;
  const b = await statusBreakdown(getDb(), { ...scopeOf(params), limit, visibility: await visible() });
  if (!b.repositoryCount) {
    return (
      <section className="panel">
        <EmptyState title="No findings here" action={{ href: "/repositories", label: "Repositories" }}>
          No repository in this selection has findings yet. Scans record findings as they run; register a repository or pick another team.
        </EmptyState>
      </section>
    );
  }
  return (
    <div className="stack">
      {!params.repository ? (
        <section className="panel" aria-labelledby="by-team-h">
          <h2 id="by-team-h">Status by team</h2>
          <StatusTable rows={b.teams} kind="team" params={params} />
        </section>
      ) : null}
      <section className="panel" aria-labelledby="by-repo-h">
        <h2 id="by-repo-h">
          {params.repository ? "Status" : `Status by repository: the ${b.repositories.length} with the most open findings`}
        </h2>
        <StatusTable rows={b.repositories} kind="repository" params={params} />
        {!params.repository && b.repositoryCount > b.repositories.length ? (
          <p className="small">
            {params.more ? null : (
              <Link href={remediationHref(params, { more: "1" })}>
                Show {Math.min(REPOSITORIES_SHOWN_MORE, b.repositoryCount)} of {fmtInt(b.repositoryCount)} repositories
              </Link>
            )}
            {params.more ? (
              <span className="muted">
                Showing the top {b.repositories.length} of {fmtInt(b.repositoryCount)}.{" "}
              </span>
            ) : null}
            {params.more ? <Link href={remediationHref(params, { more: undefined })}>Show fewer</Link> : null}
            {" · "}
            <Link href="/repositories">All repositories</Link>
          </p>
        ) : null}
      </section>
    </div>
  );
}

export async function BurndownPanel({ params }: { params: RemediationParams }) {
  const days = await openTrend(getDb(), { days: params.range, ...scopeOf(params), visibility: await visible(), reusePast: true });
  const weeks = weekly(days);
  const first = days[0]!;
  const last = days.at(-1)!;
  const opened = weeks.reduce((a, w) => a + w.opened, 0);
  const closed = weeks.reduce((a, w) => a + w.closed, 0);
  return (
    <section className="panel" aria-labelledby="burndown-h">
      <h2 id="burndown-h">Burndown, last {params.range} days</h2>
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
    </section>
  );
}

function dueText(due: Date, now: number): { text: string; overdue: boolean } {
  const ms = due.getTime() - now;
  if (ms < 0) {
    const late = Math.floor(-ms / 86_400_000);
    return { text: late === 0 ? "overdue today" : `${fmtInt(late)} d overdue`, overdue: true };
  }
  const days = Math.floor(ms / 86_400_000);
  return { text: days === 0 ? "due today" : `in ${fmtInt(days)} d`, overdue: false };
}

/** The SLA summary and the due list share one call. */
const sla = cache(async (params: RemediationParams) => slaView(getDb(), { ...scopeOf(params), visibility: await visible() }));

export async function SlaPanel({ params, canManageSettings }: { params: RemediationParams; canManageSettings: boolean }) {
  const v = await sla(params);
  return (
    <section className="panel" aria-labelledby="sla-h">
      <h2 id="sla-h">SLA: due dates by severity</h2>
      <p className="small muted">
        A finding is due a set number of days after it was first detected
        {canManageSettings ? (
          <>
            {" "}
            (<Link href="/settings">change in settings</Link>)
          </>
        ) : null}
        .
      </p>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col" className="num">
              SLA
            </th>
            <th scope="col" className="num">
              Open
            </th>
            <th scope="col" className="num">
              Overdue
            </th>
            <th scope="col" className="num">
              Due in {DUE_SOON_DAYS} d
            </th>
          </tr>
        </thead>
        <tbody>
          {v.bySeverity.map((r) => (
            <tr key={r.severity}>
              <td>
                <SeverityBadge severity={r.severity} />
              </td>
              <td className="num">{fmtInt(r.days)} days</td>
              <td className="num">{fmtInt(r.open)}</td>
              <td className={`num${r.overdue ? " error" : ""}`}>
                <strong>{fmtInt(r.overdue)}</strong>
              </td>
              <td className="num">{fmtInt(r.dueSoon)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export async function DuePanel({ params }: { params: RemediationParams }) {
  const v = await sla(params);
  const now = Date.now();
  return (
    <section className="panel" aria-labelledby="due-h">
      <h2 id="due-h">Next due: open findings by due date, overdue first</h2>
      {v.due.length === 0 ? (
        <p className="muted">Nothing open: nothing is due.</p>
      ) : (
        <div className="table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Due</th>
                <th scope="col">Severity</th>
                <th scope="col">Finding</th>
                <th scope="col">Assignee</th>
              </tr>
            </thead>
            <tbody>
              {v.due.map((f) => {
                const d = dueText(f.dueAt, now);
                return (
                  <tr key={f.id}>
                    <td className={d.overdue ? "error nowrap" : "nowrap"}>
                      {fmtDate(f.dueAt)}
                      <div className="small">{d.text}</div>
                    </td>
                    <td>
                      <SeverityBadge severity={f.severity} />
                    </td>
                    <td className="wrap-anywhere">
                      <Link href={`/findings/${encodeURIComponent(f.id)}`}>{f.policyTitle}</Link>
                      <div className="muted small">
                        {f.repositoryName} · {f.path}:{f.line}
                      </div>
                    </td>
                    <td>{f.assigneeName ?? <span className="muted">unassigned</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export async function AcceptedRisksPanel({ params }: { params: RemediationParams }) {
  const a = await acceptedRisks(getDb(), { ...scopeOf(params), visibility: await visible() });
  const now = Date.now();
  return (
    <div className="grid wide-2">
      <section className="panel" aria-labelledby="accepted-h">
        <h2 id="accepted-h">Accepted risks ({fmtInt(a.activeCount)})</h2>
        <p className="small muted">Soonest expiry first. When an acceptance expires the finding returns to open.</p>
        {a.active.length === 0 ? (
          <p className="muted">No accepted risks.</p>
        ) : (
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Expires</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Finding</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Requested · approved</th>
                </tr>
              </thead>
              <tbody>
                {a.active.map((r) => {
                  const expired = r.acceptedUntil != null && r.acceptedUntil.getTime() <= now;
                  return (
                    <tr key={r.id}>
                      <td className="nowrap">
                        {fmtDate(r.acceptedUntil)}
                        <div className={`small${expired ? " error" : " muted"}`}>
                          {expired
                            ? "expired: returns to open shortly"
                            : r.acceptedUntil
                              ? `in ${fmtInt(Math.ceil((r.acceptedUntil.getTime() - now) / 86_400_000))} d`
                              : "no expiry"}
                        </div>
                      </td>
                      <td>
                        <SeverityBadge severity={r.severity} />
                      </td>
                      <td className="wrap-anywhere">
                        <Link href={`/findings/${encodeURIComponent(r.id)}`}>{r.policyTitle}</Link>
                        <div className="muted small">{r.repositoryName}</div>
                      </td>
                      <td className="wrap-anywhere small">{r.reason ?? "—"}</td>
                      <td className="wrap-anywhere small">
                        <div>{r.requestedBy ?? "—"}</div>
                        <div className="muted">
                          {r.approvedBy ? `approved by ${r.approvedBy}` : r.requestedBy ? "no approval needed" : ""}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {a.activeCount > a.active.length ? (
          <p className="small">
            <Link
              href={`/findings?${new URLSearchParams({ status: "accepted_risk", ...(params.team ? { team: params.team } : {}), ...(params.repository ? { repository: params.repository } : {}) })}`}
            >
              All {fmtInt(a.activeCount)} accepted risks
            </Link>
          </p>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="returned-h">
        <h2 id="returned-h">
          Returned to open, last {RETURNED_DAYS} days ({fmtInt(a.returnedCount)})
        </h2>
        <p className="small muted">Accepted risks whose expiry date passed: they are open again and count towards the SLA.</p>
        {a.returned.length === 0 ? (
          <p className="muted">No acceptance has expired.</p>
        ) : (
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Expired</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Finding</th>
                  <th scope="col">Status now</th>
                </tr>
              </thead>
              <tbody>
                {a.returned.map((r) => (
                  <tr key={`${r.id}-${r.expiredAt.toISOString()}`}>
                    <td className="nowrap">{fmtDate(r.expiredAt)}</td>
                    <td>
                      <SeverityBadge severity={r.severity} />
                    </td>
                    <td className="wrap-anywhere">
                      <Link href={`/findings/${encodeURIComponent(r.id)}`}>{r.policyTitle}</Link>
                      <div className="muted small">{r.repositoryName}</div>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
