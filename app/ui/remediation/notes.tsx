import type { ReactNode } from "react";

/** What a panel says instead of an empty table. */
export function EmptyNote({ children }: { children: ReactNode }) {
  return <p className="muted">{children}</p>;
}

/** The line under a table that leads on: to the rest of the list, fewer rows, or the page that has them all. */
export function ActionNote({ children }: { children: ReactNode }) {
  return <p className="small">{children}</p>;
}
