import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { getSettings } from "@/lib/settings.ts";
import { assertFiltersInScope, suppressionViewParams, suppressionViewQuery, SuppressionNotFound } from "@/lib/suppressions/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { TableSkeleton } from "@/app/ui/skeletons.tsx";
import { SuppressionFilters } from "@/app/ui/suppressions/filters.tsx";
import { SuppressionResults } from "@/app/ui/suppressions/results.tsx";

export const metadata: Metadata = { title: "Suppressions · Posture" };

/** Issue 16 §3: every in-code suppression and .posture.yaml exclusion of the repositories in the reader's scope. */
export default async function SuppressionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage("suppressions:read", "/suppressions");
  const view = suppressionViewParams.parse(await searchParams);
  try {
    // Another team's repository or team answers 404, as an unknown one does.
    await assertFiltersInScope(getDb(), view, user.access);
  } catch (e) {
    if (e instanceof SuppressionNotFound) notFound();
    throw e;
  }
  const refused = (await getSettings(getDb())).refuseSuppressions;
  return (
    <>
      <div className="page-header">
        <h1>Suppressions</h1>
        <span className="muted">
          {refused.length
            ? `Suppressions of ${refused.join(" and ")} findings are not honoured (Settings)`
            : "Every suppression is honoured (Settings)"}
        </span>
      </div>
      <Suspense fallback={<div className="filters skeleton filters-skeleton" aria-busy="true" />}>
        <SuppressionFilters view={view} user={user} />
      </Suspense>
      <Suspense key={suppressionViewQuery(view)} fallback={<TableSkeleton rows={10} />}>
        <SuppressionResults view={view} user={user} />
      </Suspense>
    </>
  );
}
