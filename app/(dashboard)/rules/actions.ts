"use server";
import { revalidatePath } from "next/cache";
import { formToObject, type ActionResult } from "@/lib/actions/define.ts";
import { setCheckEnabledAction } from "@/lib/actions/rules.ts";
import { perform } from "@/lib/server/actions.ts";

export async function setCheckEnabled(_prev: ActionResult<unknown> | null, form: FormData) {
  const r = await perform(setCheckEnabledAction, formToObject(form));
  // Every view filters findings of disabled checks, so all of them change.
  if (r.ok) revalidatePath("/", "layout");
  return r;
}
