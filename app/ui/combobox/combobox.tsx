"use client";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { SearchItem, SearchKind } from "@/lib/search/queries.ts";
import "./combobox.css";

export interface ComboboxOption {
  id: string;
  label: string;
  detail?: string;
}

export interface ComboboxProps {
  /** The form field that carries the chosen id (a hidden input): GET forms put it in the URL as before. */
  name: string;
  label: string;
  kind: SearchKind;
  /** The current id ("" or undefined: none), and its label as the server rendered it. */
  value?: string;
  valueLabel?: string;
  /** What no value means ("Any", "— keep —"); offered first while the box is empty. */
  emptyLabel?: string;
  /** Fixed choices offered before the search results ("Me", "Unassigned"). */
  special?: readonly ComboboxOption[];
  /** Extra search parameters, e.g. `{ repository }` for the people one finding can be assigned to. */
  params?: Record<string, string>;
  placeholder?: string;
  className?: string;
  /** Called with the chosen option (after the hidden field changed). */
  onPick?: (option: ComboboxOption) => void;
}

const DEBOUNCE_MS = 200;
const MORE = "\u0000more";

/**
 * A searchable picker (the WAI-ARIA combobox pattern with a listbox popup): the text box filters, the arrow
 * keys move through the options, Enter picks, Escape closes. Options come from GET /api/search/<kind> a page at
 * a time ("More results" fetches the next), so no page inlines every repository or user.
 */
export function Combobox({
  name,
  label,
  kind,
  value,
  valueLabel,
  emptyLabel,
  special = [],
  params,
  placeholder,
  className,
  onPick,
}: ComboboxProps) {
  const uid = useId();
  const inputId = `${uid}-input`;
  const listId = `${uid}-list`;
  const initial: ComboboxOption | null = value ? { id: value, label: valueLabel ?? value } : null;
  const [selected, setSelected] = useState<ComboboxOption | null>(initial);
  const [text, setText] = useState(initial?.label ?? "");
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<SearchItem[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [active, setActive] = useState(-1);
  const [state, setState] = useState<"idle" | "loading" | "error">("idle");
  const [error, setError] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const abort = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The text the shown results are for, so "more" pages the same query.
  const resultsFor = useRef<string | null>(null);
  const paramKey = JSON.stringify(params ?? {});

  const load = useCallback(
    async (q: string, page: number) => {
      abort.current?.abort();
      const ctl = new AbortController();
      abort.current = ctl;
      setState("loading");
      const sp = new URLSearchParams({ ...(JSON.parse(paramKey) as Record<string, string>), q, page: String(page) });
      try {
        const res = await fetch(`/api/search/${kind}?${sp}`, { signal: ctl.signal, headers: { accept: "application/json" } });
        const body = (await res.json()) as { items?: SearchItem[]; next?: number | null; error?: { message: string } };
        if (!res.ok || !body.items) throw new Error(body.error?.message ?? `search failed (${res.status})`);
        const got = body.items;
        setItems((old) => (page === 1 ? got : [...old, ...got]));
        setNext(body.next ?? null);
        resultsFor.current = q;
        setState("idle");
      } catch (e) {
        if ((e as Error).name === "AbortError") return;
        setError((e as Error).message);
        setState("error");
      }
    },
    [kind, paramKey],
  );

  // A changed parameter (another finding's repository) makes the old results wrong.
  // biome-ignore lint/correctness/useExhaustiveDependencies: paramKey is the dependency
  useEffect(() => {
    resultsFor.current = null;
    setItems([]);
  }, [paramKey]);

  useEffect(
    () => () => {
      abort.current?.abort();
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  // form.reset() restores the hidden field's default; the text box follows it.
  useEffect(() => {
    const form = inputRef.current?.form;
    if (!form) return;
    const onReset = () => {
      setSelected(initial);
      setText(initial?.label ?? "");
      setOpen(false);
    };
    form.addEventListener("reset", onReset);
    return () => form.removeEventListener("reset", onReset);
  });

  const query = text === (selected?.label ?? "") ? "" : text.trim();
  const fixed: ComboboxOption[] = [
    ...(emptyLabel && query === "" ? [{ id: "", label: emptyLabel }] : []),
    ...special.filter((o) => query === "" || o.label.toLowerCase().includes(query.toLowerCase())),
  ];
  const options: ComboboxOption[] = [...fixed, ...items, ...(next ? [{ id: MORE, label: "More results…" }] : [])];

  const schedule = (q: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(q, 1), DEBOUNCE_MS);
  };

  const show = () => {
    setOpen(true);
    if (resultsFor.current !== query) schedule(query);
  };

  const pick = (o: ComboboxOption) => {
    if (o.id === MORE) {
      if (next) void load(resultsFor.current ?? query, next);
      return;
    }
    const chosen = o.id === "" ? null : o;
    setSelected(chosen);
    setText(chosen?.label ?? "");
    setOpen(false);
    setActive(-1);
    onPick?.(o);
  };

  const close = () => {
    setOpen(false);
    setActive(-1);
  };

  useEffect(() => {
    if (active < 0 || !listRef.current) return;
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: "nearest" });
  }, [active, listId]);

  const expanded = open && options.length > 0;
  const status =
    state === "loading"
      ? "Searching…"
      : state === "error"
        ? error
        : open && resultsFor.current !== null
          ? items.length === 0
            ? "No matches"
            : `${items.length}${next ? "+" : ""} result${items.length === 1 ? "" : "s"}`
          : "";

  return (
    <div className={`combobox${className ? ` ${className}` : ""}`}>
      <label htmlFor={inputId}>{label}</label>
      <input type="hidden" name={name} value={selected?.id ?? ""} />
      <input
        ref={inputRef}
        id={inputId}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 && active < options.length ? `${listId}-${active}` : undefined}
        aria-describedby={`${uid}-status`}
        placeholder={placeholder ?? emptyLabel ?? "Search…"}
        value={text}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          setOpen(true);
          setActive(-1);
          schedule(t === (selected?.label ?? "") ? "" : t.trim());
        }}
        onFocus={(e) => e.target.select()}
        onClick={() => (open ? undefined : show())}
        onBlur={() => {
          close();
          // Typed text that was not picked does not change the value: the box shows the value again.
          if (text.trim() === "") setSelected(null);
          else setText(selected?.label ?? "");
        }}
        onKeyDown={(e) => {
          switch (e.key) {
            case "ArrowDown":
              e.preventDefault();
              if (!open) show();
              else setActive((a) => Math.min(a + 1, options.length - 1));
              break;
            case "ArrowUp":
              e.preventDefault();
              if (!open) show();
              else setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
              break;
            case "Home":
            case "End":
              if (open && options.length) {
                e.preventDefault();
                setActive(e.key === "Home" ? 0 : options.length - 1);
              }
              break;
            case "Enter":
              // With an option highlighted Enter picks it; otherwise it submits the form as a text box does.
              if (open && active >= 0 && options[active]) {
                e.preventDefault();
                pick(options[active]!);
              } else if (open) close();
              break;
            case "Escape":
              if (open) {
                e.preventDefault();
                close();
                setText(selected?.label ?? "");
              }
              break;
            case "Tab":
              close();
              break;
          }
        }}
      />
      <div ref={listRef} id={listId} role="listbox" aria-label={label} className="combobox-list" hidden={!expanded}>
        {options.map((o, i) => (
          // The keyboard stays in the text box (aria-activedescendant): options take clicks, not focus.
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox's input handles the keys for every option
          <div
            key={`${o.id}\u0000${i}`}
            id={`${listId}-${i}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={`${i === active ? "active" : ""}${o.id === MORE ? " more" : ""}${o.id !== MORE && o.id === (selected?.id ?? "") ? " current" : ""}`}
            // Keep the focus in the text box, so blur does not close the list before the click lands.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(o)}
            onMouseMove={() => (i === active ? undefined : setActive(i))}
          >
            <span className="combobox-label">{o.label}</span>
            {o.detail ? <span className="combobox-detail">{o.detail}</span> : null}
          </div>
        ))}
      </div>
      {open && !expanded && status ? (
        <div className="combobox-hint" aria-hidden="true">
          {status}
        </div>
      ) : null}
      {/* Announced politely; not role="status", which the form's own result message is. */}
      <span id={`${uid}-status`} className="visually-hidden" aria-live="polite">
        {status}
      </span>
    </div>
  );
}
