import Link from "next/link";
import type { ReactNode } from "react";
import { SeverityBadge } from "../badges.tsx";
import type { SeverityName } from "../palette.ts";
import { findingHref } from "./links.ts";

/** A table cell naming a finding (by its policy or message, after its severity if given), linked to the finding, with where it is underneath. */
export function FindingCell({
  id,
  title,
  severity,
  children,
}: {
  id: string;
  title: string;
  severity?: SeverityName;
  children: ReactNode;
}) {
  return (
    <td className="wrap-anywhere">
      {severity ? <SeverityBadge severity={severity} /> : null}
      {severity ? " " : null}
      <Link href={findingHref(id)}>{title}</Link>
      <div className="muted small">{children}</div>
    </td>
  );
}

/** Who asked for an exception (accepted risk, false positive) and who approved it, or that it needed no approval. */
export function RequestedApprovedCell({ requestedBy, approvedBy }: { requestedBy?: string | null; approvedBy?: string | null }) {
  return (
    <td className="wrap-anywhere small">
      <div>{requestedBy ?? "—"}</div>
      <div className="muted">{approvedBy ? `approved by ${approvedBy}` : requestedBy ? "no approval needed" : ""}</div>
    </td>
  );
}
