import { formatTeamRules } from "@/lib/connections/selection.ts";
import { policyText } from "@/lib/connections/policy.ts";
import { listConnections } from "@/lib/connections/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { deleteConnection, rotateWebhookSecret, syncConnection, updateConnection } from "@/app/(dashboard)/admin/connections/actions.ts";
import { ActionForm } from "../action-form.tsx";
import { EmptyPanel } from "../empty.tsx";
import { fmtAgo, fmtDate } from "../format.ts";
import { DangerAction, ReplaceSecretAction } from "../row-actions.tsx";
import { SelectionFields } from "./connection-form.tsx";

const FORGE = { github: "GitHub", gitlab: "GitLab" } as const;

/** Each connection: what it lists, its last sync, its webhook, and what can be done with it. */
export async function ConnectionList({ webhooks }: { webhooks: { github: string; gitlab: string } }) {
  const connections = await listConnections(getDb());
  const now = Date.now();
  if (connections.length === 0)
    return (
      <EmptyPanel title="No organisation connected yet">
        Connect a GitHub organisation or user, or a GitLab group, above: its repositories are registered and scanned, kept in sync on the
        rescan schedule, and its pushes and pull or merge requests scanned through its webhook.
      </EmptyPanel>
    );
  return (
    <div className="stack">
      {connections.map((c) => (
        <section key={c.id} className="panel" aria-labelledby={`conn-${c.id}`}>
          <h2 id={`conn-${c.id}`} className="wrap-anywhere">
            {c.name}{" "}
            <span className="muted small">
              {FORGE[c.forge]} · {c.owner}
            </span>
          </h2>
          <dl className="facts small">
            <dt>API</dt>
            <dd className="mono wrap-anywhere">{c.baseUrl}</dd>
            <dt>Credential</dt>
            <dd>
              {c.credential ? (
                `${c.credential.name} (${c.credential.scope})`
              ) : (
                <span className="error">deleted: choose another one below</span>
              )}
            </dd>
            <dt>Repositories</dt>
            <dd>
              {c.repositories.active} registered{c.repositories.archived ? `, ${c.repositories.archived} archived` : ""}
            </dd>
            <dt>Policy</dt>
            <dd>{policyText({ mode: c.policyMode, blockAt: c.blockAt })}</dd>
            <dt>Last sync</dt>
            <dd data-testid="last-sync">
              {c.lastSyncAt ? (
                <>
                  {fmtAgo(c.lastSyncAt, now)}: <span className={c.lastSyncResult === "ok" ? "" : "error"}>{c.lastSyncMessage}</span>
                </>
              ) : (
                "not yet"
              )}
            </dd>
            <dt>Webhook</dt>
            <dd className="mono wrap-anywhere">{c.forge === "github" ? webhooks.github : webhooks.gitlab}</dd>
            <dt>Connected</dt>
            <dd>
              {fmtDate(c.createdAt)} by {c.createdBy}
            </dd>
          </dl>
          <div className="row-flex">
            <ActionForm action={syncConnection} submit="Sync now" className="row-flex" fields={{ connectionId: c.id }} />
            <ReplaceSecretAction
              action={rotateWebhookSecret}
              submit="Replace webhook secret"
              fields={{ connectionId: c.id }}
              reveal={{ key: "webhookSecret", label: "New webhook secret" }}
              confirm={`Replace the webhook secret of "${c.name}"? Deliveries signed with the old one are refused from now on.`}
            />
            <DangerAction
              action={deleteConnection}
              submit="Disconnect"
              fields={{ connectionId: c.id }}
              confirm={`Disconnect "${c.name}"? Its repositories stay registered, with their findings, but are no longer synced and its webhooks are refused.`}
            />
          </div>
          <details>
            <summary>Change what is registered, teams and policy</summary>
            <ActionForm action={updateConnection} submit="Save" className="register-form" fields={{ connectionId: c.id }}>
              <SelectionFields
                values={{
                  skipArchived: c.skipArchived,
                  skipForks: c.skipForks,
                  topics: c.topics,
                  namePattern: c.namePattern,
                  teamRules: formatTeamRules(c.teamRules),
                  defaultTeam: c.defaultTeam,
                  policyMode: c.policyMode,
                  blockAt: c.blockAt,
                  cloneProtocol: c.cloneProtocol,
                }}
              />
            </ActionForm>
          </details>
        </section>
      ))}
    </div>
  );
}
