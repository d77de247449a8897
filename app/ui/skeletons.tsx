/** Placeholders with the final panel's size, so nothing shifts when data arrives. */
export function PanelSkeleton({ title, height = 240 }: { title?: string; height?: number }) {
  return (
    <section className="panel" aria-busy="true">
      {title ? <h2>{title}</h2> : null}
      <div className="skeleton" style={{ height }} />
      <span className="visually-hidden">Loading…</span>
    </section>
  );
}

export function TableSkeleton({ rows = 10 }: { rows?: number }) {
  return (
    <div className="panel" aria-busy="true">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton row" />
      ))}
      <span className="visually-hidden">Loading…</span>
    </div>
  );
}
