"use server";
import { revalidatePath } from "next/cache";
import { formToObject, type ActionResult } from "@/lib/actions/define.ts";
import { checkAccessAction, createCredentialAction, deleteCredentialAction } from "@/lib/actions/credentials.ts";
import { perform } from "@/lib/server/actions.ts";

type Prev = ActionResult | null;

export async function createCredential(_: Prev, form: FormData) {
  const r = await perform(createCredentialAction, formToObject(form));
  if (r.ok) revalidatePath("/admin/credentials");
  return r;
}

export async function deleteCredential(_: Prev, form: FormData) {
  const r = await perform(deleteCredentialAction, formToObject(form));
  if (r.ok) revalidatePath("/admin/credentials");
  return r;
}

export async function checkAccess(_: Prev, form: FormData) {
  const r = await perform(checkAccessAction, formToObject(form));
  // A check is a use: the list's "last used" changes.
  revalidatePath("/admin/credentials");
  return r;
}
