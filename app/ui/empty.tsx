import Link from "next/link";
import type { ReactNode } from "react";

/** An empty state says what to do next. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: { href: string; label: string } }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children ? <p>{children}</p> : null}
      {action ? (
        <Link className="button primary" href={action.href}>
          {action.label}
        </Link>
      ) : null}
    </div>
  );
}

/** An empty state standing where a panel would: a list that has nothing yet. */
export function EmptyPanel(props: Parameters<typeof EmptyState>[0]) {
  return (
    <div className="panel">
      <EmptyState {...props} />
    </div>
  );
}
