"use server";
import { revalidatePath } from "next/cache";
import { formToObject, type ActionResult } from "@/lib/actions/define.ts";
import { approveExceptionAction, rejectExceptionAction } from "@/lib/actions/findings.ts";
import { perform } from "@/lib/server/actions.ts";

type Prev = ActionResult | null;

async function run(def: typeof approveExceptionAction | typeof rejectExceptionAction, form: FormData): Promise<ActionResult> {
  const result = await perform(def, formToObject(form));
  if (result.ok) {
    revalidatePath("/approvals");
    revalidatePath("/findings", "layout");
  }
  return result;
}
export async function approveException(_: Prev, form: FormData) {
  return run(approveExceptionAction, form);
}
export async function rejectException(_: Prev, form: FormData) {
  return run(rejectExceptionAction, form);
}
