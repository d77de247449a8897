/** Issue 16 §3: which severities' in-code suppressions the organisation honours (admins and org-wide security leads). */
import { suppressionSettingsInput, updateSuppressionSettings } from "../settings.ts";
import { defineAction } from "./define.ts";

export const updateSuppressionSettingsAction = defineAction({
  name: "settings.suppressions",
  permission: "settings:manage",
  input: suppressionSettingsInput,
  run: async ({ db, actor }, input) => {
    const s = await updateSuppressionSettings(db, actor, input);
    return { saved: true, refuseSuppressions: s.refuseSuppressions };
  },
});

export const suppressionActions = [updateSuppressionSettingsAction];
