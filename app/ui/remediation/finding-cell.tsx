import Link from "next/link";
import type { ReactNode } from "react";
import { findingHref } from "./links.ts";

/** A table cell naming a finding by its policy, linked to the finding, with where it is underneath. */
export function FindingCell({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <td className="wrap-anywhere">
      <Link href={findingHref(id)}>{title}</Link>
      <div className="muted small">{children}</div>
    </td>
  );
}
