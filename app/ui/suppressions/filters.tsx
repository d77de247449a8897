import type { SignedInUser } from "@/lib/auth/guard.ts";
import { KIND_LABEL, SUPPRESSION_KINDS, suppressionCheckOptions, type SuppressionView } from "@/lib/suppressions/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { ComboboxField } from "../combobox/field.tsx";
import { SelectField } from "../select-field.tsx";

const REASONS = [
  ["missing", "No reason given"],
  ["given", "With a reason"],
] as const;
const HONOURED = [
  ["no", "Not honoured (counts as open)"],
  ["yes", "Honoured"],
] as const;

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
      <SelectField name="kind" label="Kind" value={view.kind} options={SUPPRESSION_KINDS.map((k) => [k, KIND_LABEL[k]] as const)} />
      <SelectField name="check" label="Check" value={view.check} options={checks} />
      <SelectField name="reason" label="Reason" value={view.reason} options={REASONS} />
      <SelectField name="honoured" label="Honoured" value={view.honoured} options={HONOURED} />
      <div className="row-flex" style={{ alignSelf: "flex-end" }}>
        <button type="submit" className="button primary">
          Filter
        </button>
      </div>
    </form>
  );
}
