"use server";
import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/actions/define.ts";
import { formToObject } from "@/lib/actions/define.ts";
import { updateSuppressionSettingsAction } from "@/lib/actions/suppressions.ts";
import { perform } from "@/lib/server/actions.ts";

type Prev = ActionResult | null;

export async function updateSuppressionSettings(_: Prev, form: FormData): Promise<ActionResult> {
  const result = await perform(updateSuppressionSettingsAction, formToObject(form));
  if (result.ok) {
    revalidatePath("/settings");
    revalidatePath("/suppressions");
  }
  return result;
}
