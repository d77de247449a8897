import { listCredentials } from "@/lib/credentials/queries.ts";
import { KIND_LABEL } from "@/lib/credentials/types.ts";
import { getDb } from "@/lib/server/context.ts";
import { deleteCredential } from "@/app/(dashboard)/admin/credentials/actions.ts";
import { DataTable, unlabelled } from "../data-table.tsx";
import { EmptyPanel } from "../empty.tsx";
import { fmtAgo, fmtDate } from "../format.ts";
import { DangerAction } from "../row-actions.tsx";

/** Stored credentials as they may be shown: never the secret, only what tells them apart and how they were last used. */
export async function CredentialList() {
  const credentials = await listCredentials(getDb());
  const now = Date.now();
  if (credentials.length === 0)
    return (
      <EmptyPanel title="No credentials yet">
        Public repositories need none. For a private one, store a token, a GitHub App or a deploy key above, scoped to its host and path.
      </EmptyPanel>
    );
  return (
    <section className="panel flush">
      <DataTable
        caption="Stored credentials"
        columns={["Name", "Kind", "Scope", "Fingerprint", "Added", "Last used", unlabelled("Delete")]}
        rows={credentials}
      >
        {(c) => (
          <tr key={c.id}>
            <td className="wrap-anywhere">{c.name}</td>
            <td>{KIND_LABEL[c.kind]}</td>
            <td className="mono wrap-anywhere">{c.scope}</td>
            <td className="mono small wrap-anywhere">{c.fingerprint}</td>
            <td className="small">
              {fmtDate(c.createdAt)} <span className="muted">by {c.createdBy}</span>
              {c.expiresAt ? <div className={c.expiresAt.getTime() < now ? "error" : "muted"}>expires {fmtDate(c.expiresAt)}</div> : null}
            </td>
            <td className="small">
              {fmtAgo(c.lastUsedAt, now)}
              {c.lastResult ? (
                <div className={c.lastResult === "ok" ? "muted" : "error"}>
                  {c.lastResult === "ok" ? "worked" : c.lastResult.replace(/_/g, " ")}
                </div>
              ) : null}
            </td>
            <td>
              <DangerAction
                action={deleteCredential}
                submit="Delete"
                fields={{ credentialId: c.id }}
                confirm={`Delete "${c.name}"? Repositories under ${c.scope} are then cloned without it.`}
              />
            </td>
          </tr>
        )}
      </DataTable>
    </section>
  );
}
