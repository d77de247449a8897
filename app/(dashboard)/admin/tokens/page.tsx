import type { Metadata } from "next";
import { listTokens } from "@/lib/auth/tokens.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { ActionForm } from "@/app/ui/action-form.tsx";
import { Combobox } from "@/app/ui/combobox/combobox.tsx";
import { DataTable, unlabelled } from "@/app/ui/data-table.tsx";
import { fmtAgo, fmtDate } from "@/app/ui/format.ts";
import { createToken, revokeToken } from "../actions.ts";
import { PageHeader } from "@/app/ui/panel.tsx";
import { DangerAction } from "@/app/ui/row-actions.tsx";

export const metadata: Metadata = { title: "API tokens · Posture" };

export default async function TokensPage() {
  const me = await requirePage("tokens:manage", "/admin/tokens");
  const db = getDb();
  // Only an admin makes tokens for others (canManageTokensOf); anyone else is offered, and shown, their own.
  const forOthers = me.role === "admin";
  const tokens = await listTokens(db, me);
  const now = new Date();
  return (
    <>
      <PageHeader title="API tokens" />
      <section className="panel">
        <h2>Create a token</h2>
        <ActionForm
          action={createToken}
          submit="Create token"
          successMessage="Token created."
          reveal={{ key: "token", label: "The token" }}
          className="filters"
        >
          {forOthers ? (
            <Combobox name="userId" label="For user" kind="users" value={me.id} valueLabel={me.name || me.email} />
          ) : (
            <label>
              For user
              <select name="userId" required>
                <option value={me.id}>{me.email}</option>
              </select>
            </label>
          )}
          <label>
            Name
            <input name="name" required maxLength={120} placeholder="e.g. CI for ml-platform" />
          </label>
          <label>
            Scope
            <select name="scope" defaultValue="read">
              <option value="read">read</option>
              <option value="write">write</option>
            </select>
          </label>
          <label>
            Expires in (days)
            <input name="expiresDays" type="number" min={1} max={3650} defaultValue={90} />
          </label>
        </ActionForm>
        <p className="muted small">
          Use it as <code>Authorization: Bearer &lt;token&gt;</code>. A write token can do what its user&apos;s role allows; a read token
          only reads. Only a hash is stored.
          {forOthers ? null : " You can create and revoke tokens for your own account only; an admin manages everyone's."}
        </p>
      </section>
      <section className="panel" style={{ marginTop: 16 }}>
        <DataTable
          caption="API tokens"
          columns={["Name", "User", "Scope", "Token", "Created", "Expires", "Last used", "Status", unlabelled("Revoke")]}
          rows={tokens}
          empty="No tokens yet."
        >
          {(t) => {
            const status = t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt <= now ? "expired" : "active";
            return (
              <tr key={t.id}>
                <td className="wrap-anywhere">{t.name}</td>
                <td className="wrap-anywhere">{t.user.email}</td>
                <td>{t.scope}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{fmtDate(t.createdAt)}</td>
                <td>{t.expiresAt ? fmtDate(t.expiresAt) : "never"}</td>
                <td>{fmtAgo(t.lastUsedAt)}</td>
                <td className={status === "active" ? "" : "muted"}>{status}</td>
                <td>
                  {status === "active" ? (
                    <DangerAction
                      action={revokeToken}
                      submit="Revoke"
                      fields={{ tokenId: t.id }}
                      confirm={`Revoke "${t.name}"? Anything using it stops working.`}
                    />
                  ) : null}
                </td>
              </tr>
            );
          }}
        </DataTable>
      </section>
    </>
  );
}
