import type { ReactNode } from "react";

/** A choice: its value, or its value and the text shown for it. */
export type SelectOption = string | readonly [value: string, label: string];

/** A select's options, from [value, text] pairs. */
export function OptionList({ options }: { options: readonly (readonly [value: string, label: string])[] }) {
  return options.map(([v, text]) => (
    <option key={v} value={v}>
      {text}
    </option>
  ));
}

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
  keepValue = false,
}: {
  name: string;
  label: string;
  value?: string | null;
  options: readonly SelectOption[];
  any?: string | null;
  /**
   * A value the list does not offer (a shared link with several values, an archived repository) stays
   * selectable, named by its parts' labels ("Fixed + False positive") rather than its raw value.
   */
  keepValue?: boolean;
}) {
  const pairs = options.map((o) => (typeof o === "string" ? ([o, o] as const) : o));
  const readable = (v: string) =>
    v
      .split(",")
      .map((part) => pairs.find(([o]) => o === part)?.[1] ?? part)
      .join(" + ");
  const all = keepValue && value && !pairs.some(([v]) => v === value) ? [[value, readable(value)] as const, ...pairs] : pairs;
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ""}>
        {any === null ? null : <option value="">{any}</option>}
        <OptionList options={all} />
      </select>
    </label>
  );
}

/** A fieldset of checkboxes sharing a name: the form sends every ticked value. */
export function CheckboxFieldset({
  legend,
  name,
  options,
  checked,
  className,
  labelClassName,
}: {
  legend: string;
  name: string;
  options: readonly (readonly [value: string, label: ReactNode])[];
  checked: readonly string[] | undefined;
  className?: string;
  labelClassName: string;
}) {
  return (
    <fieldset className={className}>
      <legend>{legend}</legend>
      {options.map(([v, text]) => (
        <label key={v} className={labelClassName}>
          <input type="checkbox" name={name} value={v} defaultChecked={checked?.includes(v)} /> {text}
        </label>
      ))}
    </fieldset>
  );
}
