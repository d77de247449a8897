import Link from "next/link";
import { canWithScope } from "@/lib/auth/permissions.ts";
import type { SignedInUser } from "@/lib/auth/guard.ts";
import { CODE_CONTEXTS, FRAMEWORKS, SEVERITIES } from "@/lib/engine/types.ts";
import { CONTEXT_LABELS, OPTIONAL_CONTEXTS } from "@/lib/findings/contexts.ts";
import {
  DEFAULT_DIR,
  DEFAULT_SORT,
  FINDING_STATUSES,
  OPEN_STATUSES,
  FINDINGS_COUNT_CAP,
  FINDINGS_EXPORT_LIMIT,
  FINDINGS_MAX_PAGE,
  findingPage,
  findingViewQuery,
  type FindingSort,
  type FindingViewParams,
} from "@/lib/findings/queries.ts";
import { loadVisibility } from "@/lib/findings/visibility.ts";
import { getDb, sharedView } from "@/lib/server/context.ts";
import { ComboboxField } from "../combobox/field.tsx";
import { EmptyPanel } from "../empty.tsx";
import { fmtInt } from "../format.ts";
import { frameworkLabel, STATUS_LABELS } from "../palette.ts";
import { FindingsTable, type SortLink } from "./findings-table.tsx";
import { ReplaceUrl } from "../replace-url.tsx";
import { SelectField } from "../select-field.tsx";

function pageHref(view: FindingViewParams, path: string, defaultSort: string): string {
  const q = findingViewQuery(view, {}, defaultSort);
  return q ? `${path}?${q}` : path;
}

type Option = readonly [value: string, label: string];

/** The filters' selects keep a value their list does not offer (a shared link's, an archived repository's). */
const Select = (props: { name: string; label: string; value: string | undefined; options: readonly Option[]; any?: string }) => (
  <SelectField {...props} keepValue />
);

/** A GET form: the filter lives in the URL, works without JavaScript and can be shared. */
export function FindingFilters({
  view,
  path,
  hide = [],
  defaultSort = DEFAULT_SORT,
}: {
  view: FindingViewParams;
  path: string;
  hide?: (keyof FindingViewParams)[];
  defaultSort?: string;
}) {
  const show = (k: keyof FindingViewParams) => !hide.includes(k);
  const join = (v: readonly string[] | undefined) => v?.join(",");
  // Repositories, teams, policies, checks and people are searched as one types (app/ui/combobox/): at 1,000
  // repositories the page cannot carry every one as an <option>. The short fixed lists stay <select>s.
  return (
    <form method="get" action={path} className="filters findings-filters" aria-label="Filter findings">
      {show("repository") ? (
        <ComboboxField name="repository" label="Repository" kind="repositories" value={view.repository} emptyLabel="Any" />
      ) : null}
      {show("team") ? <ComboboxField name="team" label="Team" kind="teams" value={view.team} emptyLabel="Any" /> : null}
      <ComboboxField name="policy" label="Policy" kind="policies" value={view.policy} emptyLabel="Any" />
      <ComboboxField name="check" label="Check" kind="checks" value={view.check} emptyLabel="Any" />
      <Select name="framework" label="Framework" value={join(view.framework)} options={FRAMEWORKS.map((f) => [f, frameworkLabel(f)])} />
      <Select
        name="severity"
        label="Severity"
        value={join(view.severity)}
        options={[...SEVERITIES.map((s) => [s, s] as const), ["critical,high", "critical + high"]]}
      />
      <Select
        name="status"
        label="Status"
        value={view.status === "all" ? "all" : isOpenSet(view.status) ? undefined : join(view.status)}
        any="Open (any)"
        options={[...FINDING_STATUSES.map((s) => [s, STATUS_LABELS[s]] as const), ["all", "Any status"]]}
      />
      <Select
        name="context"
        label="Context"
        value={view.context === "all" ? "all" : join(view.context)}
        any="Counted (as the dashboard)"
        options={[
          ...CODE_CONTEXTS.map((c) => [c, CONTEXT_LABELS[c]] as const),
          [OPTIONAL_CONTEXTS.join(","), OPTIONAL_CONTEXTS.map((c) => CONTEXT_LABELS[c]).join(" + ")],
          ["all", "Any context"],
        ]}
      />
      {show("assignee") ? (
        <ComboboxField
          name="assignee"
          label="Assignee"
          kind="users"
          value={view.assignee === "unassigned" ? "none" : view.assignee}
          emptyLabel="Anyone"
          special={ASSIGNEE_SPECIAL}
        />
      ) : null}
      <label>
        Older than (days)
        <input type="number" name="age" min={1} max={3650} defaultValue={view.age ?? ""} className="narrow" />
      </label>
      <label className="inline">
        <input type="checkbox" name="overdue" value="1" defaultChecked={view.overdue ?? false} /> Overdue only
      </label>
      {sortParam(view) !== defaultSort ? <input type="hidden" name="sort" value={sortParam(view)} /> : null}
      <div className="row-flex">
        <button type="submit" className="primary">
          Apply
        </button>
        <Link href={path} className="button">
          Reset
        </Link>
      </div>
    </form>
  );
}

const ASSIGNEE_SPECIAL = [
  { id: "me", label: "Me" },
  { id: "none", label: "Unassigned" },
] as const;

/** The open statuses, in any order: the default filter ("Open (any)"), however a link spelled it. */
function isOpenSet(status: FindingViewParams["status"]): boolean {
  return Array.isArray(status) && status.length === OPEN_STATUSES.length && OPEN_STATUSES.every((s) => status.includes(s));
}

const sortParam = (v: FindingViewParams) => `${v.dir === "desc" ? "-" : ""}${v.sort}`;

const SORTABLE: FindingSort[] = ["severity", "status", "repository", "dueAt", "firstSeenAt"];

function sortLinks(view: FindingViewParams, path: string, defaultSort: string): Partial<Record<string, SortLink>> {
  const out: Partial<Record<string, SortLink>> = {};
  for (const s of SORTABLE) {
    const current = view.sort === s ? view.dir : false;
    // Clicking the sorted column flips it; another column starts in its natural direction.
    const next = current ? (current === "asc" ? "desc" : "asc") : DEFAULT_DIR[s];
    const q = findingViewQuery(view, { sort: s, dir: next, page: 1 }, defaultSort);
    out[s] = { href: q ? `${path}?${q}` : path, current };
  }
  return out;
}

function Pagination({
  view,
  path,
  capped,
  pages,
  defaultSort,
}: {
  view: FindingViewParams;
  path: string;
  capped: boolean;
  pages: number;
  defaultSort: string;
}) {
  const href = (page: number) => {
    const q = findingViewQuery(view, { page }, defaultSort);
    return q ? `${path}?${q}` : path;
  };
  const last = capped ? FINDINGS_MAX_PAGE : pages;
  return (
    <nav className="pagination" aria-label="Pages">
      <span className="muted small">
        Page {fmtInt(view.page)} of {capped ? `${fmtInt(last)}+` : fmtInt(last)}
      </span>
      {view.page > 1 ? (
        <Link className="button" href={href(view.page - 1)} rel="prev">
          Previous
        </Link>
      ) : (
        <span className="button disabled" aria-disabled="true">
          Previous
        </span>
      )}
      {view.page < last ? (
        <Link className="button" href={href(view.page + 1)} rel="next">
          Next
        </Link>
      ) : (
        <span className="button disabled" aria-disabled="true">
          Next
        </span>
      )}
    </nav>
  );
}

/** The table of one view with its count, export links and paging: the panel the findings pages stream in. */
export async function FindingsResults({
  view,
  path,
  user,
  exportable = true,
  emptyHint,
  defaultSort = DEFAULT_SORT,
}: {
  view: FindingViewParams;
  path: string;
  user: SignedInUser;
  exportable?: boolean;
  defaultSort?: string;
  emptyHint: { title: string; text: string; action?: { href: string; label: string } };
}) {
  const db = getDb();
  const canTriage = canWithScope(user, "findings:triage");
  const visibility = await loadVisibility(db, user.access);
  const now = new Date();
  // The count is an aggregate: from the shared dashboard cache, like the overview's (lib/dashboard/cache.ts).
  const countVia = (filter: object, run: () => Promise<number>) => sharedView("findings:count", filter, visibility, run);
  const asked = await findingPage(db, view, user.id, now, visibility, countVia);
  // A page past the end (an old link, a filter that now matches less) shows the last page, and says so in the URL.
  const past = asked.rows.length === 0 && asked.total > 0 && view.page > asked.pages;
  if (past) view = { ...view, page: asked.pages };
  const page = past ? await findingPage(db, view, user.id, now, visibility, countVia) : asked;
  const q = findingViewQuery(view, { page: 1 }, defaultSort);
  const count = page.capped ? `${fmtInt(FINDINGS_COUNT_CAP)}+` : fmtInt(page.total);
  return (
    <section aria-label="Results" className="stack">
      {past ? <ReplaceUrl href={pageHref(view, path, defaultSort)} /> : null}
      <div className="results-head">
        <p className="muted" role="status">
          <strong className="count">{count}</strong> finding{page.total === 1 ? "" : "s"}
          {page.total > 0
            ? ` · showing ${fmtInt((page.page - 1) * page.pageSize + 1)}–${fmtInt((page.page - 1) * page.pageSize + page.rows.length)}`
            : ""}
        </p>
        {exportable && page.total > 0 ? (
          <div className="row-flex small">
            <span className="muted">Export this filter:</span>
            <a className="button" href={`/findings/export?${q ? `${q}&` : ""}format=csv`} download>
              CSV
            </a>
            <a className="button" href={`/findings/export?${q ? `${q}&` : ""}format=sarif`} download>
              SARIF
            </a>
            {page.capped ? <span className="muted">(at most {fmtInt(FINDINGS_EXPORT_LIMIT)}, in this order)</span> : null}
          </div>
        ) : null}
      </div>
      <FindingsTable
        key={`${path}?${findingViewQuery(view)}`}
        rows={page.rows}
        sortLinks={sortLinks(view, path, defaultSort)}
        canTriage={canTriage}
        caption={`Findings, page ${page.page}`}
        empty={
          <EmptyPanel title={emptyHint.title} action={emptyHint.action}>
            {emptyHint.text}
          </EmptyPanel>
        }
      />
      {page.rows.length > 0 ? (
        <Pagination view={view} path={path} capped={page.capped} pages={page.pages} defaultSort={defaultSort} />
      ) : null}
    </section>
  );
}

export function FindingFiltersPanel({
  view,
  path,
  hide,
  defaultSort,
}: {
  view: FindingViewParams;
  path: string;
  hide?: (keyof FindingViewParams)[];
  defaultSort?: string;
}) {
  return <FindingFilters view={view} path={path} hide={hide} defaultSort={defaultSort} />;
}
