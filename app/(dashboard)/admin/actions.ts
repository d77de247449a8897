"use server";
import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/actions/define.ts";
import { formToObject } from "@/lib/actions/define.ts";
import * as admin from "@/lib/actions/admin.ts";
import { applySchedule, withinQueueTimeout } from "@/lib/queue/queues.ts";
import { formAction, perform } from "@/lib/server/actions.ts";
import { getQueues } from "@/lib/server/context.ts";

type Prev = ActionResult | null;

export const createUser = formAction(admin.createUserAction, "/admin/users");
export const changeRole = formAction(admin.changeRoleAction, "/admin/users");
export const setDisabled = formAction(admin.setDisabledAction, "/admin/users");
export const resetPassword = formAction(admin.resetPasswordAction, "/admin/users");
export const setOrgWide = formAction(admin.setOrgWideAction, "/admin/users");
export const createToken = formAction(admin.createTokenAction, "/admin/tokens");
export const revokeToken = formAction(admin.revokeTokenAction, "/admin/tokens");
export const addTeamMember = formAction(admin.addTeamMemberAction, "/admin/teams");
export const removeTeamMember = formAction(admin.removeTeamMemberAction, "/admin/teams");
export const updateExceptionSettings = formAction(admin.updateExceptionSettingsAction, "/settings");

export async function updateSettings(_: Prev, form: FormData): Promise<ActionResult> {
  const result = await perform(admin.updateSettingsAction, { scheduleEnabled: "false", ...formToObject(form) });
  if (!result.ok) return result;
  revalidatePath("/settings");
  const moved = result.data.dueDatesMoved ? ` Due dates of ${result.data.dueDatesMoved} open findings moved to the new SLA.` : "";
  try {
    await withinQueueTimeout(applySchedule(getQueues(), result.data.settings));
  } catch {
    return {
      ok: true,
      data: null,
      message: `Saved.${moved} The queue is unavailable, so the new schedule takes effect when a worker next reaches it.`,
    };
  }
  return { ok: true, data: null, message: `Saved.${moved}` };
}
