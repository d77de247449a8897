import { GenericMessage } from "../rules/generic-message.tsx";
import type { FindingDetail } from "@/lib/findings/queries.ts";
import { fmtDateTime } from "../format.ts";
import { STATUS_LABELS, type StatusName } from "../palette.ts";

interface Context {
  start: number;
  lines: string[];
}

function asContext(v: unknown): Context | null {
  if (!v || typeof v !== "object") return null;
  const c = v as { start?: unknown; lines?: unknown };
  if (typeof c.start !== "number" || !Array.isArray(c.lines) || !c.lines.every((l) => typeof l === "string")) return null;
  return { start: c.start, lines: c.lines as string[] };
}

/**
 * The code around the match, at the scanned commit, with the matched lines highlighted. Every line comes from
 * a scanned repository: it is rendered as text, never markup. Findings stored before contexts were kept show
 * their snippet instead.
 */
export function CodeContext({ finding }: { finding: Pick<FindingDetail, "context" | "snippet" | "line" | "endLine"> }) {
  const ctx = asContext(finding.context) ?? { start: finding.line, lines: finding.snippet.split("\n") };
  const hitEnd = Math.max(finding.line, finding.endLine);
  return (
    <div className="code" role="region" aria-label="Code around the match" tabIndex={0}>
      {ctx.lines.map((text, i) => {
        const n = ctx.start + i;
        const hit = n >= finding.line && n <= hitEnd;
        return (
          <div key={n} className={hit ? "line hit" : "line"}>
            <span className="ln">{n}</span>
            <code>
              {hit ? <span className="visually-hidden">matched: </span> : null}
              {text}
            </code>
          </div>
        );
      })}
    </div>
  );
}

function ReferenceLink({ reference }: { reference: string }) {
  const cwe = /^CWE-(\d{1,6})$/.exec(reference.trim());
  if (cwe) {
    return (
      <a href={`https://cwe.mitre.org/data/definitions/${cwe[1]}.html`} rel="noreferrer noopener" target="_blank">
        {reference}
      </a>
    );
  }
  return <span>{reference}</span>;
}

/** What the policy says about this finding's check: first on the page, before the code, so the finding is read knowing why it matters. */
export function PolicyPanel({ policy, checkMessage }: { policy: FindingDetail["check"]["policy"]; checkMessage: string }) {
  return (
    <section className="panel stack" aria-labelledby="policy-h">
      <h2 id="policy-h">
        <span className="muted small">Policy · </span>
        {policy.title}
      </h2>
      <p className="muted small">
        This check reports: <GenericMessage template={checkMessage} /> · level {policy.level}
      </p>
      <div>
        <h3>Why it matters</h3>
        <p className="prose">{policy.why.trim()}</p>
      </div>
      <div>
        <h3>Remediation</h3>
        <p className="prose">{policy.remediation.trim()}</p>
      </div>
      {policy.references.length ? (
        <div>
          <h3>References</h3>
          <ul className="finding-refs">
            {policy.references.map((r) => (
              <li key={r}>
                <ReferenceLink reference={r} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

const statusLabel = (s: string | null | undefined) => (s ? (STATUS_LABELS[s as StatusName] ?? s) : "—");

type Event = FindingDetail["events"][number];

function describe(e: Event, names: Map<string, string>): string {
  const data = (e.data ?? {}) as Record<string, unknown>;
  switch (e.type) {
    case "detected":
      return "Detected by a scan";
    case "fixed":
      return "Fixed: no longer found by a scan";
    case "reopened":
      return `Found again by a scan: ${statusLabel(e.toStatus)}`;
    case "status_changed": {
      const until = typeof data.acceptedUntil === "string" ? ` until ${fmtDateTime(data.acceptedUntil)}` : "";
      return `Status ${statusLabel(e.fromStatus)} → ${statusLabel(e.toStatus)}${until}`;
    }
    case "assigned": {
      const to = typeof data.to === "string" ? (names.get(data.to) ?? "a former user") : null;
      return to ? `Assigned to ${to}` : "Unassigned";
    }
    case "commented":
      return "Comment";
    case "risk_expired":
      return "Accepted risk expired: back to open";
    case "check_disabled":
      return "Its check was disabled org-wide";
    case "check_enabled":
      return "Its check was enabled again";
    case "exception_requested": {
      const until = typeof data.acceptedUntil === "string" ? ` until ${fmtDateTime(data.acceptedUntil)}` : "";
      return `Asked to mark it ${statusLabel(String(data.decision ?? ""))}${until}: waiting for approval`;
    }
    case "exception_approved":
      return `Approved: ${statusLabel(String(data.decision ?? ""))}, as asked by ${typeof data.requestedBy === "string" ? data.requestedBy : "someone"}`;
    case "exception_rejected":
      return `Rejected: ${statusLabel(String(data.decision ?? ""))} asked by ${typeof data.requestedBy === "string" ? data.requestedBy : "someone"}`;
    default:
      return e.type;
  }
}

export function Timeline({ events, names }: { events: Event[]; names: Map<string, string> }) {
  if (!events.length) return <p className="muted">No events yet.</p>;
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.id} className={`ev ev-${e.type}`}>
          <div className="row-flex">
            <strong>{describe(e, names)}</strong>
            <span className="muted small">
              {e.actor ? e.actor.name || e.actor.email : e.actorId ? "a former user" : "system"} ·{" "}
              <time dateTime={e.createdAt.toISOString()}>{fmtDateTime(e.createdAt)}</time>
            </span>
          </div>
          {e.comment ? <p className="comment">{e.comment}</p> : null}
        </li>
      ))}
    </ol>
  );
}
