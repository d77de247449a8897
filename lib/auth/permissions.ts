import type { Role } from "../db/client.ts";

/** What each role may do. Enforced on the server for every page, server action and route handler. */
export const ACTIONS = {
  "findings:read": ["admin", "security_lead", "engineer", "viewer"],
  "findings:triage": ["admin", "security_lead", "engineer"],
  "repositories:read": ["admin", "security_lead", "engineer", "viewer"],
  "repositories:register": ["admin", "security_lead", "engineer"],
  "repositories:archive": ["admin", "security_lead"],
  "scans:trigger": ["admin", "security_lead", "engineer"],
  "scans:rescan-all": ["admin", "security_lead"],
  "rules:manage": ["admin", "security_lead"],
  // "Security lead: everything but users" — settings, schedules and API tokens included.
  "settings:manage": ["admin", "security_lead"],
  "users:manage": ["admin"],
  "tokens:manage": ["admin", "security_lead"],
  // Stored git credentials for private repositories (lib/credentials): write-only, audited.
  "credentials:manage": ["admin", "security_lead"],
  // Connected organisations (lib/connections): what is registered from a forge, its webhooks and policies.
  "connections:manage": ["admin", "security_lead"],
  "audit:read": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ACTIONS;

export function can(role: Role, action: Action): boolean {
  return (ACTIONS[action] as readonly Role[]).includes(role);
}

/**
 * Whose API tokens a user may create and revoke: an admin anyone's, everyone else (with tokens:manage) only
 * their own. A token acts with its owner's role and is audited as its owner, so minting one for someone else
 * is acting as them.
 */
export function canManageTokensOf(user: { id: string; role: Role }, ownerId: string): boolean {
  return can(user.role, "tokens:manage") && (user.role === "admin" || user.id === ownerId);
}

/** Actions a read-scoped API token may perform: reading only. */
export function readOnlyAction(action: Action): boolean {
  return action.endsWith(":read");
}
