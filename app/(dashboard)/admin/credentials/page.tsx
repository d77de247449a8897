import type { Metadata } from "next";
import { Suspense } from "react";
import { requirePage } from "@/lib/server/session.ts";
import { CheckAccessForm } from "@/app/ui/credentials/check-access.tsx";
import { CredentialForm } from "@/app/ui/credentials/credential-form.tsx";
import { CredentialList } from "@/app/ui/credentials/credential-list.tsx";
import { TableSkeleton } from "@/app/ui/skeletons.tsx";
import { PageHeader, Panel } from "@/app/ui/panel.tsx";

export const metadata: Metadata = { title: "Credentials · Posture" };

export default async function CredentialsPage() {
  await requirePage("credentials:manage", "/admin/credentials");
  return (
    <>
      <PageHeader title="Credentials" />
      <Panel id="new-credential" title="Add a credential">
        <CredentialForm />
        <p className="muted small">
          Stored encrypted (POSTURE_SECRET_KEY) and never shown again: only its name, scope, fingerprint and last use. A repository is
          cloned with the credential whose scope matches its host, port and path most specifically; a token is only ever sent over https to
          that host, a deploy key only used against its pinned host keys.
        </p>
      </Panel>
      <Panel id="check-access" title="Check access" style={{ marginTop: 16 }}>
        <p className="muted small">Runs git ls-remote as the worker would, with the credential it would use, and says what happened.</p>
        <CheckAccessForm />
      </Panel>
      <div style={{ marginTop: 16 }}>
        <Suspense fallback={<TableSkeleton rows={4} />}>
          <CredentialList />
        </Suspense>
      </div>
    </>
  );
}
