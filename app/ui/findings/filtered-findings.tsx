import { type ComponentProps, Suspense } from "react";
import type { SignedInUser } from "@/lib/auth/guard.ts";
import { findingViewQuery, type FindingViewParams } from "@/lib/findings/queries.ts";
import { TableSkeleton } from "../skeletons.tsx";
import { FindingFiltersPanel, FindingsResults } from "./view.tsx";

/**
 * A findings page below its header (all findings, my findings): the filter form, then the findings it selects.
 * Each streams in behind its own skeleton, and the results' boundary is keyed by the view so that a new filter
 * shows the skeleton instead of the previous filter's rows.
 */
export function FilteredFindings({
  view,
  path,
  user,
  hide,
  defaultSort,
  exportable,
  emptyHint,
}: {
  view: FindingViewParams;
  path: string;
  user: SignedInUser;
  /** Filters the page fixes, so it does not offer them. */
  hide?: (keyof FindingViewParams)[];
  defaultSort?: string;
  exportable?: boolean;
  emptyHint: ComponentProps<typeof FindingsResults>["emptyHint"];
}) {
  return (
    <>
      <Suspense fallback={<div className="filters skeleton filters-skeleton" aria-busy="true" />}>
        <FindingFiltersPanel view={view} path={path} hide={hide} defaultSort={defaultSort} />
      </Suspense>
      <Suspense key={findingViewQuery(view)} fallback={<TableSkeleton rows={12} />}>
        <FindingsResults view={view} path={path} user={user} exportable={exportable} defaultSort={defaultSort} emptyHint={emptyHint} />
      </Suspense>
    </>
  );
}
