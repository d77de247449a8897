/** A choice: its value, or its value and the text shown for it. */
export type SelectOption = string | readonly [value: string, label: string];

/**
 * A labelled select of a filter form (plain GET, so every view is a URL): "Any" first, the empty value that
 * filters nothing, unless `any` is null, then the options.
 */
export function SelectField({
  name,
  label,
  value,
  options,
  any = "Any",
}: {
  name: string;
  label: string;
  value?: string | null;
  options: readonly SelectOption[];
  any?: string | null;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ""}>
        {any === null ? null : <option value="">{any}</option>}
        {options.map((o) => {
          const [v, text] = typeof o === "string" ? [o, o] : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}
