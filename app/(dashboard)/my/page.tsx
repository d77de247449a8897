import { Suspense } from "react";
import { parseFindingView, findingViewQuery } from "@/lib/findings/queries.ts";
import { requirePage } from "@/lib/server/session.ts";
import { TableSkeleton } from "@/app/ui/skeletons.tsx";
import { FindingFiltersPanel, FindingsResults } from "@/app/ui/findings/view.tsx";

export const metadata = { title: "My findings · Posture" };

export default async function MyFindingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage("findings:read", "/my");
  const raw = await searchParams;
  // Always the signed-in user's; overdue first, then severity and due date, unless a column is chosen.
  const view = parseFindingView(raw, { assignee: "me", ...(raw.sort ? {} : { sort: "-overdue" }) });
  return (
    <>
      <div className="page-header">
        <h1>My findings</h1>
        <p className="muted small">Assigned to {user.name || user.email}: overdue first, then by severity and due date.</p>
      </div>
      <Suspense fallback={<div className="filters skeleton filters-skeleton" aria-busy="true" />}>
        <FindingFiltersPanel view={view} path="/my" hide={["assignee"]} defaultSort="-overdue" />
      </Suspense>
      <Suspense key={findingViewQuery(view)} fallback={<TableSkeleton rows={12} />}>
        <FindingsResults
          view={view}
          path="/my"
          user={user}
          exportable={false}
          defaultSort="-overdue"
          emptyHint={
            user.role === "viewer"
              ? {
                  title: "Nothing is assigned to viewers",
                  text: "Findings are assigned to the people who fix or triage them; as a viewer you can read every finding in the findings table.",
                  action: { href: "/findings", label: "All findings" },
                }
              : {
                  title: "Nothing assigned to you",
                  text: "Findings assigned to you appear here. Pick some from the findings table.",
                  action: { href: "/findings?assignee=none", label: "Unassigned findings" },
                }
          }
        />
      </Suspense>
    </>
  );
}
