import { SEVERITY_COLORS, STATUS_COLORS, STATUS_LABELS, type SeverityName, type StatusName } from "./palette.ts";

export function SeverityBadge({ severity }: { severity: SeverityName }) {
  return (
    <span className="badge" style={{ borderColor: SEVERITY_COLORS[severity], color: SEVERITY_COLORS[severity] }}>
      {severity}
    </span>
  );
}

export function StatusBadge({ status }: { status: StatusName }) {
  return (
    <span className="badge" style={{ borderColor: STATUS_COLORS[status], color: STATUS_COLORS[status] }}>
      {STATUS_LABELS[status]}
    </span>
  );
}
