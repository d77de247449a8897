import Link from "next/link";
import { relatedFindings } from "@/lib/findings/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { SeverityBadge, StatusBadge } from "@/app/ui/badges.tsx";

/**
 * The other side of a model-file risk: for code that loads a model file, what the file holds; for a model file,
 * the code that loads it. Rendered only when the last scan linked any.
 */
export async function RelatedFindings({ finding }: { finding: { repositoryId: string; related: unknown } }) {
  const related = await relatedFindings(getDb(), finding);
  if (related.length === 0) return null;
  return (
    <section className="panel stack" aria-labelledby="related-h">
      <h2 id="related-h">
        {related.every((r) => r.link === "loaded-by") ? "Code that loads this model file" : "What the loaded model file holds"}
      </h2>
      <div className="stack">
        {related.map((r) => (
          <div key={r.fingerprint}>
            <div>
              <SeverityBadge severity={r.severity} /> {r.status ? <StatusBadge status={r.status} /> : null}{" "}
              {r.id ? (
                <Link className="mono wrap-anywhere" href={`/findings/${encodeURIComponent(r.id)}`}>
                  {r.path}:{r.line}
                </Link>
              ) : (
                <span className="mono wrap-anywhere">
                  {r.path}:{r.line}
                </span>
              )}{" "}
              <span className="muted small mono">{r.ruleId}</span>
            </div>
            <p className="wrap-anywhere" style={{ margin: "4px 0 0" }}>
              {r.message}
            </p>
          </div>
        ))}
      </div>
    </section>
  );
}
