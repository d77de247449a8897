import { parseFindingView } from "@/lib/findings/queries.ts";
import { requirePage } from "@/lib/server/session.ts";
import { FilteredFindings } from "@/app/ui/findings/filtered-findings.tsx";
import { PageHeader } from "@/app/ui/panel.tsx";

export const metadata = { title: "Findings · Posture" };

export default async function FindingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage("findings:read", "/findings");
  const view = parseFindingView(await searchParams);
  return (
    <>
      <PageHeader title="Findings" />
      <FilteredFindings
        view={view}
        path="/findings"
        user={user}
        emptyHint={{
          title: "No findings match this filter",
          text: "Widen the filter (the default shows open findings only), or register a repository and scan it.",
          action: { href: "/repositories", label: "Repositories" },
        }}
      />
    </>
  );
}
