import Link from "next/link";
import { Suspense } from "react";
import { activeRepositoryCount } from "@/lib/repos/queries.ts";
import { canWithScope } from "@/lib/auth/permissions.ts";
import { RANGES } from "@/lib/dashboard/overview.ts";
import { remediationFilterOptions, remediationParams } from "@/lib/dashboard/remediation.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { EmptyPanel } from "@/app/ui/empty.tsx";
import { AcceptedRisksPanel } from "@/app/ui/remediation/accepted-risks-panel.tsx";
import { BurndownPanel } from "@/app/ui/remediation/burndown-panel.tsx";
import { DuePanel } from "@/app/ui/remediation/due-panel.tsx";
import { remediationHref } from "@/app/ui/remediation/links.ts";
import { SlaPanel } from "@/app/ui/remediation/sla-panel.tsx";
import { StatusPanels } from "@/app/ui/remediation/status-panels.tsx";
import { PanelSkeleton } from "@/app/ui/skeletons.tsx";
import { PageHeader } from "@/app/ui/panel.tsx";
import { SelectField } from "@/app/ui/select-field.tsx";

export const metadata = { title: "Remediation · Posture" };

export default async function RemediationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage("findings:read", "/remediation");
  const parsed = remediationParams.parse(await searchParams);
  const db = getDb();
  const [repositories, options] = await Promise.all([
    activeRepositoryCount(db, user.access),
    remediationFilterOptions(db, parsed, user.access),
  ]);
  // Switching team in the form keeps the old team's repository in the query: it no longer applies.
  const params = parsed.team && options.chosen && options.chosen.teamId !== parsed.team ? { ...parsed, repository: undefined } : parsed;
  const scopeKey = `${params.team ?? ""}|${params.repository ?? ""}`;

  if (repositories === 0) {
    return (
      <>
        <PageHeader title="Remediation" />
        <EmptyPanel title="No repositories yet" action={{ href: "/repositories", label: "Register a repository" }}>
          Register a repository: once it is scanned, its findings&apos; status, burndown and SLA appear here.
        </EmptyPanel>
      </>
    );
  }

  const teamName = options.teams.find((t) => t.id === params.team)?.name;
  return (
    <>
      <div className="page-header">
        <h1>Remediation</h1>
        <nav className="tabs" aria-label="Burndown range">
          {RANGES.map((r) => (
            <Link
              key={r}
              href={remediationHref(params, { range: String(r) })}
              aria-current={r === params.range ? "true" : undefined}
              scroll={false}
            >
              {r} days
            </Link>
          ))}
        </nav>
      </div>
      <form className="filters" method="get" action="/remediation" aria-label="Filters">
        <SelectField
          name="team"
          label="Team"
          value={params.team}
          any="All teams"
          options={options.teams.map((t) => [t.id, t.name] as const)}
        />
        {params.team ? (
          <SelectField
            name="repository"
            label="Repository"
            value={params.repository}
            any={`All of ${teamName ?? "the team"}`}
            options={options.repositories.map((r) => [r.id, r.name] as const)}
          />
        ) : params.repository ? (
          <input type="hidden" name="repository" value={params.repository} />
        ) : null}
        {params.range !== 90 ? <input type="hidden" name="range" value={params.range} /> : null}
        <button type="submit">Apply</button>
        {params.team || params.repository ? (
          <Link href={remediationHref(params, { team: undefined, repository: undefined, more: undefined })}>Clear filters</Link>
        ) : null}
        {params.repository ? (
          <span className="small muted">
            Repository: <strong>{options.chosen?.name ?? "unknown repository"}</strong>
          </span>
        ) : null}
      </form>
      {params.team && !teamName ? (
        <p className="notice">No team has this id; showing nothing. Clear the filter to see every team.</p>
      ) : null}

      <div className="stack remediation">
        <div className="grid cols-2">
          <Suspense
            key={`burndown-${scopeKey}-${params.range}`}
            fallback={<PanelSkeleton title={`Burndown, last ${params.range} days`} height={340} />}
          >
            <BurndownPanel params={params} />
          </Suspense>
          <Suspense key={`sla-${scopeKey}`} fallback={<PanelSkeleton title="SLA: due dates by severity" height={300} />}>
            <SlaPanel params={params} canManageSettings={canWithScope(user, "settings:manage")} />
          </Suspense>
        </div>
        <Suspense key={`due-${scopeKey}`} fallback={<PanelSkeleton title="Next due" height={420} />}>
          <DuePanel params={params} />
        </Suspense>
        <Suspense key={`status-${scopeKey}-${params.more ?? ""}`} fallback={<PanelSkeleton title="Status by team" height={360} />}>
          <StatusPanels params={params} />
        </Suspense>
        <Suspense
          key={`accepted-${scopeKey}`}
          fallback={
            <div className="grid wide-2">
              <PanelSkeleton title="Accepted risks" height={280} />
              <PanelSkeleton title="Returned to open" height={280} />
            </div>
          }
        >
          <AcceptedRisksPanel params={params} />
        </Suspense>
      </div>
    </>
  );
}
