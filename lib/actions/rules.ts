/** Rule catalogue writes: a check switched off (or on) for the whole organisation. */
import { z } from "zod";
import { audit } from "../audit.ts";
import { ActionError, defineAction } from "./define.ts";

export const setCheckEnabledAction = defineAction({
  name: "rules.set-check-enabled",
  permission: "rules:manage",
  input: z
    .object({
      checkId: z.string().trim().min(1, "a check is required").max(200),
      // Forms send strings; "true"/"false" only, anything else is refused rather than guessed.
      enabled: z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]),
      reason: z.string().trim().max(1000).optional(),
    })
    // Turning a check off hides findings from everyone: the audit log and the rules page say why.
    .refine((i) => i.enabled || (i.reason ?? "").length > 0, {
      path: ["reason"],
      message: "say why the check is disabled for the whole organisation",
    }),
  run: async ({ db, actor }, { checkId, enabled, reason }) =>
    db.$transaction(async (tx) => {
      // Row lock: two people toggling at once each record the state they actually changed.
      const rows = await tx.$queryRaw<{ enabled: boolean }[]>`SELECT enabled FROM "Check" WHERE id = ${checkId} FOR UPDATE`;
      if (rows.length === 0) throw new ActionError("no such check", "checkId");
      const before = rows[0]!.enabled;
      if (before === enabled) return { checkId, enabled, changed: false };
      await tx.check.update({ where: { id: checkId }, data: { enabled } });
      await audit(tx, actor, {
        action: enabled ? "check.enable" : "check.disable",
        targetType: "check",
        targetId: checkId,
        before: { enabled: before },
        after: enabled ? { enabled } : { enabled, reason },
      });
      return { checkId, enabled, changed: true };
    }),
});

export const rulesActions = [setCheckEnabledAction];
