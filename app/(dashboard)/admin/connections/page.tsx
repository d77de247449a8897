import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { config } from "@/lib/config.ts";
import { apiCredentials, webhookUrls } from "@/lib/connections/queries.ts";
import { clientView, expectedOrigin } from "@/lib/security/forwarded.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { ConnectionForm } from "@/app/ui/connections/connection-form.tsx";
import { ConnectionList } from "@/app/ui/connections/connection-list.tsx";
import { TableSkeleton } from "@/app/ui/skeletons.tsx";

export const metadata: Metadata = { title: "Connections · Posture" };

export default async function ConnectionsPage() {
  await requirePage("connections:manage", "/admin/connections");
  const origin = config().publicUrl ?? expectedOrigin(clientView(await headers())) ?? "https://posture.example.com";
  const webhooks = webhookUrls(origin);
  const credentials = await apiCredentials(getDb());
  return (
    <>
      <div className="page-header">
        <h1>Connections</h1>
      </div>
      <section className="panel" aria-labelledby="new-connection">
        <h2 id="new-connection">Connect an organisation</h2>
        <ConnectionForm credentials={credentials} webhooks={webhooks} />
        <p className="muted small">
          The repositories are listed through the forge&apos;s API with the credential, registered with their teams and scanned; the rescan
          schedule syncs them again (new ones registered, deleted or archived ones archived here with their findings kept, renames
          followed). Webhooks scan each push to the tracked branch and each pull or merge request.
          {config().publicUrl ? null : " Set POSTURE_PUBLIC_URL to the dashboard's address for the webhook URL and the links in statuses."}
        </p>
      </section>
      <div style={{ marginTop: 16 }}>
        <Suspense fallback={<TableSkeleton rows={4} />}>
          <ConnectionList webhooks={webhooks} />
        </Suspense>
      </div>
    </>
  );
}
