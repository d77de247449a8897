import type { SignedInUser } from "@/lib/auth/guard.ts";
import { KIND_LABEL, SUPPRESSION_KINDS, suppressionCheckOptions, type SuppressionView } from "@/lib/suppressions/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { ComboboxField } from "../combobox/field.tsx";

/**
 * The suppressions page's filters: plain GET form, so every view is a URL. Repositories and teams are searched
 * (the shared comboboxes, scoped by the search route); the checks are the few that have suppressions.
 */
export async function SuppressionFilters({ view, user }: { view: SuppressionView; user: SignedInUser }) {
  const checks = await suppressionCheckOptions(getDb(), user.access);
  return (
    <form method="get" action="/suppressions" className="filters" role="search" aria-label="Filter the suppressions">
      <ComboboxField name="repository" label="Repository" kind="repositories" value={view.repository} emptyLabel="Any" />
      <ComboboxField name="team" label="Team" kind="teams" value={view.team} emptyLabel="Any" />
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
          {checks.map((c) => (
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
