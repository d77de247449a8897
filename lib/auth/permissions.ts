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
  // Team membership (issue 16): admins for every team, security leads for the teams in their scope.
  "teams:manage": ["admin", "security_lead"],
  // Issue 16 §2: approving or rejecting accepted risks and false positives (security leads for their scope).
  "exceptions:approve": ["admin", "security_lead"],
  // Issue 16 §3: the in-code suppressions and .posture.yaml exclusions of the repositories in scope.
  "suppressions:read": ["admin", "security_lead"],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ACTIONS;

export function can(role: Role, action: Action): boolean {
  return (ACTIONS[action] as readonly Role[]).includes(role);
}

/**
 * Actions whose effect reaches every team (org settings, the rulebook, every repository's rescan, credentials
 * and connections used for all, accounts, the audit log): a role scoped to teams may not do them, whatever
 * it may do within its teams.
 */
export const ORG_WIDE_ACTIONS: readonly Action[] = [
  "scans:rescan-all",
  "rules:manage",
  "settings:manage",
  "users:manage",
  "credentials:manage",
  "connections:manage",
  "audit:read",
];

/** `can`, and for an org-wide action an org-wide scope. */
export function canWithScope(user: { role: Role; access: { all: boolean } }, action: Action): boolean {
  return can(user.role, action) && (user.access.all || !ORG_WIDE_ACTIONS.includes(action));
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
