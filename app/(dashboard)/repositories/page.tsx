import Link from "next/link";
import { TeamSelect } from "@/app/ui/team-select.tsx";
import { Suspense } from "react";
import { canWithScope } from "@/lib/auth/permissions.ts";
import { postureGrade } from "@/lib/repos/grade.ts";
import {
  activeScans,
  listTeams,
  nextScheduledRun,
  repositoryListParams,
  repositoryPage,
  REPOSITORY_SORTS,
  type RepositoryListParams,
  type RepositorySort,
} from "@/lib/repos/queries.ts";
import { getDb, sharedView } from "@/lib/server/context.ts";
import { requirePage, requestVisibility } from "@/lib/server/session.ts";
import { USED_FRAMEWORK_LABELS, USED_FRAMEWORKS } from "@/lib/repos/framework-names.ts";
import { EmptyState } from "@/app/ui/empty.tsx";
import { fmtInt } from "@/app/ui/format.ts";
import { GradeLegend } from "@/app/ui/repositories/grade.tsx";
import { LiveScans, ScanProgress } from "@/app/ui/repositories/live-scans.tsx";
import { RegisterForms } from "@/app/ui/repositories/register-forms.tsx";
import { RepositoryTable, type SortLink } from "@/app/ui/repositories/repo-table.tsx";
import { Notices, RescanAllButton } from "@/app/ui/repositories/scan-controls.tsx";
import { TableSkeleton } from "@/app/ui/skeletons.tsx";
import { ReplaceUrl } from "@/app/ui/replace-url.tsx";
import { SelectField } from "@/app/ui/select-field.tsx";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function href(p: RepositoryListParams, change: Partial<RepositoryListParams>): string {
  const next = { ...p, ...change };
  const q = new URLSearchParams();
  if (next.q) q.set("q", next.q);
  if (next.team) q.set("team", next.team);
  if (next.framework) q.set("framework", next.framework);
  if (next.archived !== "exclude") q.set("archived", next.archived);
  if (next.sort !== "risk") q.set("sort", next.sort);
  if (next.dir) q.set("dir", next.dir);
  if (next.page > 1) q.set("page", String(next.page));
  const s = q.toString();
  return s ? `/repositories?${s}` : "/repositories";
}

export default async function RepositoriesPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePage("repositories:read", "/repositories");
  const params = repositoryListParams.parse(await searchParams);
  const db = getDb();
  const [teams, progress, nextRun] = await Promise.all([listTeams(db, user.access), activeScans(db, user.access), nextScheduledRun(db)]);
  const canRegister = canWithScope(user, "repositories:register");
  return (
    <LiveScans initial={progress} nextScheduledRun={nextRun}>
      <div className="page-header">
        <h1>Repositories</h1>
        {canWithScope(user, "scans:rescan-all") ? <RescanAllButton /> : null}
      </div>
      <Notices />
      {canRegister ? <RegisterForms teams={teams.map((t) => t.name)} /> : null}
      <ScanProgress />
      <form method="get" action="/repositories" className="filters" role="search" aria-label="Filter repositories">
        <label>
          Name or URL
          <input type="search" name="q" defaultValue={params.q} maxLength={200} />
        </label>
        <TeamSelect value={params.team} />
        <SelectField
          name="framework"
          label="Framework"
          value={params.framework}
          options={USED_FRAMEWORKS.map((f) => [f, USED_FRAMEWORK_LABELS[f]] as const)}
        />
        <SelectField
          name="archived"
          label="Archived"
          value={params.archived}
          any={null}
          options={[
            ["exclude", "Hide archived"],
            ["include", "Include archived"],
            ["only", "Archived only"],
          ]}
        />
        {params.sort !== "risk" ? <input type="hidden" name="sort" value={params.sort} /> : null}
        {params.dir ? <input type="hidden" name="dir" value={params.dir} /> : null}
        <button type="submit">Apply</button>
        {params.q || params.team || params.framework || params.archived !== "exclude" ? <Link href="/repositories">Clear</Link> : null}
        <span className="spacer" />
        <GradeLegend />
      </form>
      <Suspense key={JSON.stringify(params)} fallback={<TableSkeleton rows={12} />}>
        <RepositoryList
          params={params}
          canRegister={canRegister}
          canScan={canWithScope(user, "scans:trigger")}
          canArchive={canWithScope(user, "repositories:archive")}
        />
      </Suspense>
    </LiveScans>
  );
}

async function RepositoryList({
  params,
  canRegister,
  canScan,
  canArchive,
}: {
  params: RepositoryListParams;
  canRegister: boolean;
  canScan: boolean;
  canArchive: boolean;
}) {
  const visibility = await requestVisibility();
  // From the shared dashboard cache: a scan queued, started or finished, a finding or a repository changed
  // invalidates it (lib/dashboard/cache.ts), and the live scans panel polls what is running meanwhile.
  const page = (p: RepositoryListParams) =>
    sharedView("repositories", p, visibility, () => repositoryPage(getDb(), p, visibility), { dates: true });
  const asked = await page(params);
  // A page past the end shows the last page, and the address bar says so.
  const past = asked.rows.length === 0 && asked.total > 0 && params.page > asked.pages;
  if (past) params = { ...params, page: asked.pages };
  const data = past ? await page(params) : asked;
  const filtered = Boolean(params.q || params.team || params.framework || params.archived !== "exclude");
  if (data.total === 0) {
    return (
      <div className="panel">
        {filtered ? (
          <EmptyState title="No repository matches these filters" action={{ href: "/repositories", label: "Clear filters" }} />
        ) : (
          <EmptyState title="No repositories yet">
            {canRegister
              ? "Register your first repository above: paste its git URL (https://, ssh:// or git@host:path) and a team. Its first scan starts at once; use “Many” to paste a list."
              : "An engineer, security lead or admin registers repositories here (or with POST /api/v1/repositories); their findings then appear across the dashboard."}
          </EmptyState>
        )}
      </div>
    );
  }
  const sortLinks = Object.fromEntries(
    REPOSITORY_SORTS.map((key) => {
      const isCurrent = params.sort === key;
      const dir = isCurrent ? (params.dir ?? (key === "risk" || key === "lastScan" ? "desc" : "asc")) : undefined;
      const link: SortLink = {
        href: href(params, { sort: key, dir: isCurrent ? (dir === "asc" ? "desc" : "asc") : undefined, page: 1 }),
        current: dir ? (dir === "asc" ? "ascending" : "descending") : undefined,
      };
      return [key, link];
    }),
  ) as Record<RepositorySort, SortLink>;
  const rows = data.rows.map((r) => ({ ...r, grade: r.lastCompletedAt ? postureGrade(r.openFindings).grade : null }));
  const first = (data.page - 1) * data.pageSize + 1;
  return (
    <div className="panel flush">
      {past ? <ReplaceUrl href={href(params, {})} /> : null}
      <RepositoryTable rows={rows} sortLinks={sortLinks} canScan={canScan} canArchive={canArchive} now={Date.now()} />
      <nav className="pagination" aria-label="Pages">
        <span className="muted small">
          {fmtInt(first)}–{fmtInt(first + data.rows.length - 1)} of {fmtInt(data.total)}
        </span>
        {data.page > 1 ? <Link href={href(params, { page: Math.min(data.page - 1, data.pages) })}>Previous</Link> : null}
        <span className="small">
          Page {data.page} of {data.pages}
        </span>
        {data.page < data.pages ? <Link href={href(params, { page: data.page + 1 })}>Next</Link> : null}
      </nav>
    </div>
  );
}
