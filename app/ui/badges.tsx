import { CONTEXT_LABELS, type CodeContext } from "@/lib/findings/contexts.ts";
import { SEVERITY_COLORS, SEVERITY_INK, STATUS_COLORS, STATUS_LABELS, type SeverityName, type StatusName } from "./palette.ts";

export function SeverityBadge({ severity }: { severity: SeverityName }) {
  return (
    <span className="badge" style={{ borderColor: SEVERITY_COLORS[severity], color: SEVERITY_INK[severity] }}>
      {severity}
    </span>
  );
}

/** A table cell holding only the severity badge. */
export function SeverityCell({ severity }: { severity: SeverityName }) {
  return (
    <td>
      <SeverityBadge severity={severity} />
    </td>
  );
}

export function StatusBadge({ status }: { status: StatusName }) {
  return (
    <span className="badge" style={{ borderColor: STATUS_COLORS[status], color: STATUS_COLORS[status] }}>
      {STATUS_LABELS[status]}
    </span>
  );
}

/**
 * A finding's code context: production is the norm and stays plain text, anything else is a quiet badge so a
 * reader sees at a glance that the finding is in tests, docs, examples or build tooling. In a table (`inList`)
 * production says nothing visible: the word on every row only hid the few rows that differ.
 */
export function ContextBadge({ context, inList = false }: { context: CodeContext; inList?: boolean }) {
  if (context === "production") return <span className={inList ? "visually-hidden" : "muted small"}>{CONTEXT_LABELS.production}</span>;
  return (
    <span className="badge context-badge" title={`Found in ${CONTEXT_LABELS[context].toLowerCase()} code`}>
      {CONTEXT_LABELS[context]}
    </span>
  );
}
