"use server";
import {
  createConnectionAction,
  deleteConnectionAction,
  rotateWebhookSecretAction,
  setRepositoryPolicyAction,
  syncConnectionAction,
  updateConnectionAction,
} from "@/lib/actions/connections.ts";
import { formAction } from "@/lib/server/actions.ts";

export const createConnection = formAction(createConnectionAction, "/admin/connections");
export const updateConnection = formAction(updateConnectionAction, "/admin/connections", { message: "Saved; the next sync applies it" });
export const syncConnection = formAction(syncConnectionAction, [], { message: "Sync queued: reload in a moment for its result" });
export const rotateWebhookSecret = formAction(rotateWebhookSecretAction, []);
export const deleteConnection = formAction(deleteConnectionAction, "/admin/connections");
// Each repository's own page shows its policy.
export const setRepositoryPolicy = formAction(
  setRepositoryPolicyAction,
  { path: "/repositories/[id]", type: "page" },
  { message: "Saved" },
);
