/** Administration: users (admin only), API tokens and settings (admin and security lead). */
import { z } from "zod";
import { issueToken, revokeTokenAudited } from "../auth/tokens.ts";
import { changeRole, createUser, resetPassword, ROLES, setDisabled } from "../auth/users.ts";
import { addTeamMember, removeTeamMember, setOrgWide } from "../auth/teams.ts";
import { exceptionSettingsInput, settingsInput, updateExceptionSettings, updateSettings } from "../settings.ts";
import { defineAction } from "./define.ts";

const id = z.string().min(1).max(64);
/** A switch's hidden field: its new position, "true" or "false". */
const turnedOn = z.enum(["true", "false"]).transform((v) => v === "true");

export const createUserAction = defineAction({
  name: "users.create",
  permission: "users:manage",
  input: z.object({
    email: z.string().trim().toLowerCase().email("enter a valid email address").max(254),
    name: z.string().trim().max(120).optional(),
    role: z.enum(ROLES),
    orgWide: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).optional(),
  }),
  run: async ({ db, actor }, input) => {
    const { user, password } = await createUser(db, actor, input);
    return { email: user.email, password };
  },
});

export const changeRoleAction = defineAction({
  name: "users.role",
  permission: "users:manage",
  input: z.object({ userId: id, role: z.enum(ROLES) }),
  run: ({ db, actor }, input) => changeRole(db, actor, input.userId, input.role),
});

export const setDisabledAction = defineAction({
  name: "users.disable",
  permission: "users:manage",
  input: z.object({ userId: id, disabled: turnedOn }),
  run: ({ db, actor }, input) => setDisabled(db, actor, input.userId, input.disabled),
});

export const resetPasswordAction = defineAction({
  name: "users.reset-password",
  permission: "users:manage",
  input: z.object({ userId: id }),
  run: ({ db, actor }, input) => resetPassword(db, actor, input.userId).then((password) => ({ password })),
});

export const setOrgWideAction = defineAction({
  name: "users.org-wide",
  permission: "users:manage",
  input: z.object({ userId: id, orgWide: turnedOn }),
  run: ({ db, actor }, input) => setOrgWide(db, actor, input.userId, input.orgWide),
});

// A security lead manages the members of the teams in their scope; the team is checked in lib/auth/teams.ts.
export const addTeamMemberAction = defineAction({
  name: "teams.add-member",
  permission: "teams:manage",
  input: z.object({ teamId: id, userId: z.string().min(1, "choose a user").max(64) }),
  run: ({ db, actor, user }, input) => addTeamMember(db, actor, user.access, input.teamId, input.userId),
});

export const removeTeamMemberAction = defineAction({
  name: "teams.remove-member",
  permission: "teams:manage",
  input: z.object({ teamId: id, userId: id }),
  run: ({ db, actor, user }, input) => removeTeamMember(db, actor, user.access, input.teamId, input.userId),
});

export const createTokenAction = defineAction({
  name: "tokens.create",
  permission: "tokens:manage",
  input: z.object({
    userId: id,
    name: z.string().trim().min(1, "give the token a name").max(120),
    scope: z.enum(["read", "write"]),
    expiresDays: z.preprocess((v) => (v === "" || v === "never" ? undefined : v), z.coerce.number().int().min(1).max(3650).optional()),
  }),
  run: async ({ db, actor, user: issuer }, input) => {
    const { token, record, user } = await issueToken(db, actor, issuer, input);
    return { token, name: record.name, user: user.email };
  },
});

export const revokeTokenAction = defineAction({
  name: "tokens.revoke",
  permission: "tokens:manage",
  input: z.object({ tokenId: id }),
  run: ({ db, actor, user }, input) => revokeTokenAudited(db, actor, user, input.tokenId),
});

export const updateSettingsAction = defineAction({
  name: "settings.update",
  permission: "settings:manage",
  input: settingsInput,
  run: ({ db, actor }, input) => updateSettings(db, actor, input),
});

export const updateExceptionSettingsAction = defineAction({
  name: "settings.exceptions",
  permission: "settings:manage",
  input: exceptionSettingsInput,
  run: async ({ db, actor }, input) => {
    await updateExceptionSettings(db, actor, input);
    return { saved: true };
  },
});

export const adminActions = [
  createUserAction,
  changeRoleAction,
  setDisabledAction,
  resetPasswordAction,
  createTokenAction,
  revokeTokenAction,
  updateSettingsAction,
  setOrgWideAction,
  addTeamMemberAction,
  removeTeamMemberAction,
  updateExceptionSettingsAction,
];
