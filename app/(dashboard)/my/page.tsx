import { parseFindingView } from "@/lib/findings/queries.ts";
import { requirePage } from "@/lib/server/session.ts";
import { FilteredFindings } from "@/app/ui/findings/filtered-findings.tsx";

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
      <FilteredFindings
        view={view}
        path="/my"
        user={user}
        hide={["assignee"]}
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
    </>
  );
}
