import { Pagination } from "../pagination.tsx";
import Link from "next/link";
import type { SignedInUser } from "@/lib/auth/guard.ts";
import { MISSING_REASON_CHECK } from "@/lib/engine/finalize.ts";
import {
  KIND_LABEL,
  suppressionPage,
  suppressionViewQuery,
  type SuppressionItem,
  type SuppressionView,
} from "@/lib/suppressions/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { SeverityBadge } from "@/app/ui/badges.tsx";
import { DataTable } from "@/app/ui/data-table.tsx";
import { EmptyState } from "@/app/ui/empty.tsx";
import { fmtDate, fmtInt } from "@/app/ui/format.ts";
import type { SeverityName } from "@/app/ui/palette.ts";

const WARN = { borderColor: "#b54708", color: "#b54708" };

function Where({ s }: { s: SuppressionItem }) {
  const file = s.kind === "inline" ? s.path : ".posture.yaml";
  const text = `${file}${s.line ? `:${s.line}` : ""}`;
  return (
    <>
      {s.webUrl ? (
        <a href={s.webUrl} rel="noreferrer noopener" target="_blank" className="mono">
          {text}
        </a>
      ) : (
        <span className="mono">{text}</span>
      )}
      {s.kind !== "inline" ? <div className="muted small mono">{s.path}</div> : null}
      {s.kind === "inline" && s.findingLine && s.findingLine !== s.line ? (
        <div className="muted small">suppresses line {s.findingLine}</div>
      ) : null}
    </>
  );
}

function Row({ s }: { s: SuppressionItem }) {
  return (
    <tr>
      <td className="wrap-anywhere">
        <Link href={`/repositories/${encodeURIComponent(s.repository.id)}`}>{s.repository.name}</Link>
        <div className="muted small">{s.team.name}</div>
      </td>
      <td className="small">{KIND_LABEL[s.kind]}</td>
      <td className="wrap-anywhere small">
        {s.checkId ? <span className="mono">{s.checkId}</span> : <span className="muted">every check</span>}
        {s.severity ? (
          <div>
            <SeverityBadge severity={s.severity as SeverityName} />
          </div>
        ) : null}
      </td>
      <td className="wrap-anywhere small" style={{ minWidth: 200 }}>
        <Where s={s} />
      </td>
      <td className="wrap-anywhere small">
        {s.reason ?? (
          <span className="badge" style={WARN} title="A suppression without a reason is reported as a finding of the hygiene check">
            No reason given
          </span>
        )}
      </td>
      <td className="small wrap-anywhere">
        {s.author ? (
          <>
            <div>{s.author.name}</div>
            <div className="muted">
              {s.author.email ? `${s.author.email} · ` : ""}
              {fmtDate(s.author.at)}
            </div>
          </>
        ) : (
          <span className="muted" title="git blame could not name who wrote it (older than the history fetched, or blame failed)">
            unknown
          </span>
        )}
      </td>
      <td className="small">
        {s.honoured ? (
          <span className="muted">honoured</span>
        ) : (
          <>
            <span className="badge" style={WARN}>
              Not honoured
            </span>
            <div className="muted">
              {s.findingId ? <Link href={`/findings/${encodeURIComponent(s.findingId)}`}>counts as open</Link> : "counts as open"}
            </div>
          </>
        )}
      </td>
    </tr>
  );
}

/** The filtered suppressions, a page at a time, with counts of the whole set. */
export async function SuppressionResults({ view, user }: { view: SuppressionView; user: SignedInUser }) {
  const { rows, summary, page, pages } = await suppressionPage(getDb(), view, user.access);
  const exportQuery = suppressionViewQuery(view, { page: 1 });
  const href = (p: number) => {
    const q = suppressionViewQuery(view, { page: p });
    return q ? `/suppressions?${q}` : "/suppressions";
  };
  return (
    <section className="panel" aria-labelledby="suppressions-h">
      <h2 id="suppressions-h">
        {fmtInt(summary.total)} suppression{summary.total === 1 ? "" : "s"} and exclusion{summary.total === 1 ? "" : "s"}
      </h2>
      <p className="muted small">
        {fmtInt(summary.noReason)} without a reason (each is a finding of{" "}
        <Link href={`/findings?check=${encodeURIComponent(MISSING_REASON_CHECK)}`}>{MISSING_REASON_CHECK}</Link>) ·{" "}
        {fmtInt(summary.notHonoured)} not honoured by the settings. As of each repository’s last successful scan; authors from{" "}
        <code>git blame</code> of the scanned commit where it could tell.{" "}
        {summary.total ? <a href={`/suppressions/export${exportQuery ? `?${exportQuery}` : ""}`}>Download CSV</a> : null}
      </p>
      {rows.length === 0 ? (
        <EmptyState title="No suppressions match">
          Inline <code># posture: ignore[check] reason</code> comments and <code>.posture.yaml</code> exclusions of the repositories you can
          see appear here after their next scan.
        </EmptyState>
      ) : (
        <DataTable
          caption="Suppressions and exclusions"
          columns={["Repository", "Kind", "Check", "Where", "Reason", "Author", "Honoured"]}
          rows={rows}
          scroll
        >
          {(s) => <Row key={s.id} s={s} />}
        </DataTable>
      )}
      <Pagination page={page} pages={pages} href={href} />
    </section>
  );
}
