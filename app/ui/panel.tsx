import type { CSSProperties, ReactNode } from "react";

/** A panel with its heading: a section named by its h2, so it is a region a screen reader can list and jump to. */
export function Panel({
  id,
  title,
  style,
  children,
}: {
  /** The heading's id (the section's aria-labelledby). */
  id: string;
  title: ReactNode;
  style?: CSSProperties;
  children?: ReactNode;
}) {
  return (
    <section className="panel" aria-labelledby={id} style={style}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** A page's title, with whatever stands beside it (a count, a button). */
export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children}
    </div>
  );
}
