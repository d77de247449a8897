import { searchLabel, type SearchKind } from "@/lib/search/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { requestVisibility } from "@/lib/server/session.ts";
import { Combobox, type ComboboxProps } from "./combobox.tsx";

/**
 * A Combobox whose current value is labelled on the server, so the page reads right before (and without) any
 * JavaScript: "acme/serving" in the box, not an id. The label is looked up within the reader's scope; an id
 * they may not see is shown as it is, as the old <select> did.
 */
export async function ComboboxField(props: Omit<ComboboxProps, "valueLabel"> & { kind: SearchKind }) {
  const { value, special = [], kind } = props;
  const fixed = special.find((o) => o.id === value);
  const found = fixed ?? (value ? await searchLabel(getDb(), (await requestVisibility()).access, kind, value) : null);
  // Keyed by the value: a navigation to another filter starts the box afresh from the new URL.
  return <Combobox key={`${props.name}=${value ?? ""}`} {...props} valueLabel={found?.label ?? value} />;
}
