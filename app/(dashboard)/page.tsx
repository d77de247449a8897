import Link from "next/link";
import { Suspense } from "react";
import { overviewParams, RANGES } from "@/lib/dashboard/overview.ts";
import { activeRepositoryCount } from "@/lib/repos/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { EmptyPanel } from "@/app/ui/empty.tsx";
import { FlowPanel, MttrPanel, SummaryCards, TopRiskPanel, TrendPanel } from "@/app/ui/overview/panels.tsx";
import { PanelSkeleton } from "@/app/ui/skeletons.tsx";
import { CoverageTrendPanel } from "@/app/ui/overview/coverage-trend.tsx";

export const metadata = { title: "Overview · Posture" };

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage("findings:read", "/");
  const { range } = overviewParams.parse(await searchParams);
  const repositories = await activeRepositoryCount(getDb(), user.access);

  return (
    <>
      <div className="page-header">
        <h1>Overview</h1>
        {repositories > 0 ? (
          <nav className="tabs" aria-label="Trend range">
            {RANGES.map((r) => (
              <Link key={r} href={`/?range=${r}`} aria-current={r === range ? "true" : undefined} scroll={false}>
                {r} days
              </Link>
            ))}
          </nav>
        ) : null}
      </div>
      {repositories === 0 ? (
        <EmptyPanel title="No repositories yet" action={{ href: "/repositories", label: "Register a repository" }}>
          Register a repository: the first scan runs at once, and its findings, trends and risk rankings appear here.
        </EmptyPanel>
      ) : (
        <div className="stack overview">
          <Suspense fallback={<CardsSkeleton />}>
            <SummaryCards />
          </Suspense>
          <div className="grid cols-2">
            <Suspense
              key={`trend-${range}`}
              fallback={<PanelSkeleton title={`Open findings by severity, last ${range} days`} height={338} />}
            >
              <TrendPanel range={range} />
            </Suspense>
            <Suspense key={`flow-${range}`} fallback={<PanelSkeleton title={`New vs fixed, last ${range} days`} height={338} />}>
              <FlowPanel range={range} />
            </Suspense>
          </div>
          <div className="grid cols-2">
            <Suspense fallback={<PanelSkeleton title="Top policies by weighted risk" height={560} />}>
              <TopRiskPanel kind="policy" />
            </Suspense>
            <Suspense fallback={<PanelSkeleton title="Top repositories by weighted risk" height={560} />}>
              <TopRiskPanel kind="repository" />
            </Suspense>
          </div>
          <Suspense key={`mttr-${range}`} fallback={<PanelSkeleton title={`Mean time to remediate, last ${range} days`} height={330} />}>
            <MttrPanel range={range} />
          </Suspense>
          <Suspense key={`coverage-${range}`} fallback={<PanelSkeleton title="Scan coverage" height={330} />}>
            <CoverageTrendPanel range={range} />
          </Suspense>
        </div>
      )}
    </>
  );
}

function CardsSkeleton() {
  return (
    <div className="grid cols-4 overview-cards" aria-busy="true">
      {Array.from({ length: 4 }, (_, i) => (
        <div key={i} className="panel">
          <div className="skeleton" style={{ height: 132 }} />
        </div>
      ))}
      <span className="visually-hidden">Loading…</span>
    </div>
  );
}
