import { ComboboxField } from "./combobox/field.tsx";

/** The team filter of the list pages: searched as one types (app/ui/combobox/), the value still `?team=<id>`. */
export function TeamSelect({ value }: { value?: string }) {
  return <ComboboxField name="team" label="Team" kind="teams" value={value} emptyLabel="All teams" />;
}
