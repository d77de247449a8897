import type { SignedInUser } from "@/lib/auth/guard.ts";
import { KIND_LABEL, SUPPRESSION_KINDS, suppressionFilterOptions, type SuppressionView } from "@/lib/suppressions/queries.ts";
import { getDb } from "@/lib/server/context.ts";

/** The suppressions page's filters: plain GET form, so every view is a URL. */
export async function SuppressionFilters({ view, user }: { view: SuppressionView; user: SignedInUser }) {
  const options = await suppressionFilterOptions(getDb(), user.access);
  return (
    <form method="get" action="/suppressions" className="filters" role="search" aria-label="Filter the suppressions">
      <label>
        Repository
        <select name="repository" defaultValue={view.repository ?? ""}>
          <option value="">Any</option>
          {options.repositories.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      {options.teams.length > 1 || view.team ? (
        <label>
          Team
          <select name="team" defaultValue={view.team ?? ""}>
            <option value="">Any</option>
            {options.teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        Kind
        <select name="kind" defaultValue={view.kind ?? ""}>
          <option value="">Any</option>
          {SUPPRESSION_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Check
        <select name="check" defaultValue={view.check ?? ""}>
          <option value="">Any</option>
          {options.checks.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reason
        <select name="reason" defaultValue={view.reason ?? ""}>
          <option value="">Any</option>
          <option value="missing">No reason given</option>
          <option value="given">With a reason</option>
        </select>
      </label>
      <label>
        Honoured
        <select name="honoured" defaultValue={view.honoured ?? ""}>
          <option value="">Any</option>
          <option value="no">Not honoured (counts as open)</option>
          <option value="yes">Honoured</option>
        </select>
      </label>
      <div className="row-flex" style={{ alignSelf: "flex-end" }}>
        <button type="submit" className="button primary">
          Filter
        </button>
      </div>
    </form>
  );
}
