/**
 * Connected organisations from the dashboard (admins and security leads): connect, change, sync now, replace
 * the webhook secret, disconnect; and a repository's own policy. Forms send text: checkboxes, a comma list of
 * topics and team rules one a line are turned into what lib/connections validates.
 */
import { z } from "zod";
import { addForgeJob } from "../connections/jobs.ts";
import { parseTeamRules } from "../connections/selection.ts";
import { createConnection, deleteConnection, rotateWebhookSecret, setRepositoryPolicy, updateConnection } from "../connections/service.ts";
import { ActionError, defineAction, type ActionContext } from "./define.ts";
import { storingSecrets } from "./secret-key.ts";

const form = z.record(z.string(), z.unknown());
const connectionId = z.object({ connectionId: z.string().trim().min(1, "a connection is required").max(64) });

const flag = (v: unknown) => v === true || v === "on" || v === "true" || v === "1";

/** A form's fields as lib/connections/service.ts takes them. */
function fromForm(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!(typeof v === "string" && v.trim() === "")) out[k] = v;
  out.skipArchived = flag(raw.skipArchived);
  out.skipForks = flag(raw.skipForks);
  if (typeof raw.topics === "string") out.topics = raw.topics.split(/[\s,]+/).filter(Boolean);
  if (typeof raw.teamRules === "string") {
    const { rules, error } = parseTeamRules(raw.teamRules);
    if (error) throw new ActionError(error, "teamRules");
    out.teamRules = rules;
  }
  return out;
}

const domain = <T>(work: () => Promise<T>) => storingSecrets("connections", work);

/** An action on one connection, the one the form's hidden connectionId names. */
function connectionAction<R>(name: string, run: (ctx: ActionContext, connectionId: string) => Promise<R>) {
  return defineAction({
    name,
    permission: "connections:manage",
    input: connectionId,
    run: (ctx, input) => domain(() => run(ctx, input.connectionId)),
  });
}

export const createConnectionAction = defineAction({
  name: "connections.create",
  permission: "connections:manage",
  input: form,
  run: ({ db, actor, queues }, input) =>
    domain(async () => {
      const { connection, webhookSecret } = await createConnection(db, actor, fromForm(input));
      // Its repositories are listed and registered by the worker; the page shows the sync's result.
      let warning: string | null = null;
      await addForgeJob(queues(), { name: "sync", data: { connectionId: connection.id, actor } }).catch(
        (e) => (warning = `the first sync was not queued (${(e as Error).message}); use Sync now`),
      );
      return { connectionId: connection.id, name: connection.name, webhookSecret, warning };
    }),
});

export const updateConnectionAction = defineAction({
  name: "connections.update",
  permission: "connections:manage",
  input: form,
  run: ({ db, actor }, input) => domain(async () => ({ connectionId: (await updateConnection(db, actor, fromForm(input))).id })),
});

export const syncConnectionAction = connectionAction("connections.sync", async ({ db, actor, queues }, connectionId) => {
  const c = await db.forgeConnection.findUnique({ where: { id: connectionId }, select: { id: true } });
  if (!c) throw new ActionError("no such connection (reload the page)");
  await addForgeJob(queues(), { name: "sync", data: { connectionId, actor } });
  return { connectionId, queued: true };
});

export const rotateWebhookSecretAction = connectionAction("connections.rotate-secret", async ({ db, actor }, connectionId) => {
  const r = await rotateWebhookSecret(db, actor, connectionId);
  if (!r) throw new ActionError("no such connection (reload the page)");
  return { connectionId, webhookSecret: r.webhookSecret };
});

export const deleteConnectionAction = connectionAction("connections.delete", async ({ db, actor }, connectionId) => {
  const gone = await deleteConnection(db, actor, connectionId);
  if (!gone) throw new ActionError("it no longer exists (reload the page)");
  return { name: gone.name };
});

export const setRepositoryPolicyAction = defineAction({
  name: "repositories.set-policy",
  permission: "connections:manage",
  input: form,
  run: ({ db, actor }, input) => domain(() => setRepositoryPolicy(db, actor, input)),
});

export const connectionsActions = [
  createConnectionAction,
  updateConnectionAction,
  syncConnectionAction,
  rotateWebhookSecretAction,
  deleteConnectionAction,
  setRepositoryPolicyAction,
];
