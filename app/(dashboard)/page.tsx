import { requirePage } from "@/lib/server/session.ts";

export default async function OverviewPage() {
  await requirePage("findings:read", "/");
  return (
    <>
      <div className="page-header">
        <h1>Overview</h1>
      </div>
      <p className="muted">The overview is being built.</p>
    </>
  );
}
