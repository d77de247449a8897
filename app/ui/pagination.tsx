import Link from "next/link";
import { fmtInt } from "./format.ts";

/** "Page 2 of 5" with Previous / Next links, shown only when there is more than one page. */
export function Pagination({
  page,
  pages,
  href,
  label = "Pages",
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  label?: string;
}) {
  if (pages <= 1) return null;
  return (
    <nav className="pagination" aria-label={label}>
      <span className="muted small">
        Page {fmtInt(page)} of {fmtInt(pages)}
      </span>
      {page > 1 ? (
        <Link className="button" href={href(page - 1)} rel="prev">
          Previous
        </Link>
      ) : null}
      {page < pages ? (
        <Link className="button" href={href(page + 1)} rel="next">
          Next
        </Link>
      ) : null}
    </nav>
  );
}

/** `path` with the given parameters that have a value and `page` (left out on the first page). */
export function pageHref(path: string, params: Record<string, string | undefined>, page: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A paged list's search box: one text field, Search, Clear when searching, and how many there are. */
export function ListSearch({
  path,
  label,
  query,
  maxLength,
  total,
  noun,
}: {
  path: string;
  label: string;
  query: string;
  maxLength: number;
  total: number;
  /** Singular; an "s" is added for other counts. */
  noun: string;
}) {
  return (
    <form method="get" action={path} className="filters" role="search" aria-label={`Search the ${noun}s`}>
      <label>
        {label}
        <input type="search" name="q" defaultValue={query} maxLength={maxLength} />
      </label>
      <button type="submit">Search</button>
      {query ? <Link href={path}>Clear</Link> : null}
      <span className="muted small" role="status">
        {fmtInt(total)} {noun}
        {total === 1 ? "" : "s"}
        {query ? " match" : ""}
      </span>
    </form>
  );
}
