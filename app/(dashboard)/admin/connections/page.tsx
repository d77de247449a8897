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
import { PageHeader, Panel } from "@/app/ui/panel.tsx";

export const metadata: Metadata = { title: "Connections · Posture" };

export default async function ConnectionsPage() {
  await requirePage("connections:manage", "/admin/connections");
  const origin = config().publicUrl ?? expectedOrigin(clientView(await headers())) ?? "https://posture.example.com";
  const webhooks = webhookUrls(origin);
  const credentials = await apiCredentials(getDb());
  return (
    <>
      <PageHeader title="Connections" />
      <Panel id="new-connection" title="Connect an organisation">
        <ConnectionForm credentials={credentials} webhooks={webhooks} />
        <p className="muted small">
          The repositories are listed through the forge&apos;s API with the credential, registered with their teams and scanned; the rescan
          schedule syncs them again (new ones registered, deleted or archived ones archived here with their findings kept, renames
          followed). Webhooks scan each push to the tracked branch and each pull or merge request.
          {config().publicUrl ? null : " Set POSTURE_PUBLIC_URL to the dashboard's address for the webhook URL and the links in statuses."}
        </p>
      </Panel>
      <div style={{ marginTop: 16 }}>
        <Suspense fallback={<TableSkeleton rows={4} />}>
          <ConnectionList webhooks={webhooks} />
        </Suspense>
      </div>
    </>
  );
}
