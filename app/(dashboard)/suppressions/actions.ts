"use server";
import { updateSuppressionSettingsAction } from "@/lib/actions/suppressions.ts";
import { formAction } from "@/lib/server/actions.ts";

export const updateSuppressionSettings = formAction(updateSuppressionSettingsAction, ["/settings", "/suppressions"]);
