"use server";
import { revalidatePath } from "next/cache";
import { formToObject, type ActionResult } from "@/lib/actions/define.ts";
import {
  createConnectionAction,
  deleteConnectionAction,
  rotateWebhookSecretAction,
  setRepositoryPolicyAction,
  syncConnectionAction,
  updateConnectionAction,
} from "@/lib/actions/connections.ts";
import { perform } from "@/lib/server/actions.ts";

type Prev = ActionResult | null;

export async function createConnection(_: Prev, form: FormData) {
  const r = await perform(createConnectionAction, formToObject(form));
  if (r.ok) revalidatePath("/admin/connections");
  return r;
}

export async function updateConnection(_: Prev, form: FormData) {
  const r = await perform(updateConnectionAction, formToObject(form));
  if (r.ok) revalidatePath("/admin/connections");
  return r.ok ? { ...r, message: "Saved; the next sync applies it" } : r;
}

export async function syncConnection(_: Prev, form: FormData) {
  const r = await perform(syncConnectionAction, formToObject(form));
  return r.ok ? { ...r, message: "Sync queued: reload in a moment for its result" } : r;
}

export async function rotateWebhookSecret(_: Prev, form: FormData) {
  return perform(rotateWebhookSecretAction, formToObject(form));
}

export async function deleteConnection(_: Prev, form: FormData) {
  const r = await perform(deleteConnectionAction, formToObject(form));
  if (r.ok) revalidatePath("/admin/connections");
  return r;
}

export async function setRepositoryPolicy(_: Prev, form: FormData) {
  const r = await perform(setRepositoryPolicyAction, formToObject(form));
  if (r.ok) {
    const id = form.get("repositoryId");
    if (typeof id === "string") revalidatePath(`/repositories/${id}`);
  }
  return r.ok ? { ...r, message: "Saved" } : r;
}
