"use server";
import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/actions/define.ts";
import { formToObject } from "@/lib/actions/define.ts";
import * as admin from "@/lib/actions/admin.ts";
import { applySchedule, withinQueueTimeout } from "@/lib/queue/queues.ts";
import { perform } from "@/lib/server/actions.ts";
import { getQueues } from "@/lib/server/context.ts";

type Prev = ActionResult | null;

async function run(def: Parameters<typeof perform>[0], form: FormData, path: string): Promise<ActionResult> {
  const result = await perform(def, formToObject(form));
  if (result.ok) revalidatePath(path);
  return result;
}

export async function createUser(_: Prev, form: FormData) {
  return run(admin.createUserAction, form, "/admin/users");
}
export async function changeRole(_: Prev, form: FormData) {
  return run(admin.changeRoleAction, form, "/admin/users");
}
export async function setDisabled(_: Prev, form: FormData) {
  return run(admin.setDisabledAction, form, "/admin/users");
}
export async function resetPassword(_: Prev, form: FormData) {
  return run(admin.resetPasswordAction, form, "/admin/users");
}
export async function createToken(_: Prev, form: FormData) {
  return run(admin.createTokenAction, form, "/admin/tokens");
}
export async function revokeToken(_: Prev, form: FormData) {
  return run(admin.revokeTokenAction, form, "/admin/tokens");
}

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
export async function setOrgWide(_: Prev, form: FormData) {
  return run(admin.setOrgWideAction, form, "/admin/users");
}
export async function addTeamMember(_: Prev, form: FormData) {
  return run(admin.addTeamMemberAction, form, "/admin/teams");
}
export async function removeTeamMember(_: Prev, form: FormData) {
  return run(admin.removeTeamMemberAction, form, "/admin/teams");
}
export async function updateExceptionSettings(_: Prev, form: FormData) {
  return run(admin.updateExceptionSettingsAction, form, "/settings");
}
