"use server";
import { revalidatePath } from "next/cache";
import { triageFindings } from "@/lib/actions/findings.ts";
import type { ActionResult } from "@/lib/actions/define.ts";
import { perform } from "@/lib/server/actions.ts";

export async function triage(input: unknown): Promise<ActionResult<{ updated: number; pending?: number }>> {
  const result = await perform(triageFindings, input);
  if (result.ok) {
    revalidatePath("/findings", "layout");
    revalidatePath("/my");
  }
  return result;
}
