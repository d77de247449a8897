/** A signed-in user as sessions and API tokens resolve them: who, their role, and their access scope. */
import type { Role } from "../db/client.ts";
import { accessOf } from "../findings/visibility.ts";

/** The columns a signed-in user is read with: the scope (issue 16) is derived from them on every request. */
export const PRINCIPAL_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabledAt: true,
  orgWide: true,
  teams: { select: { teamId: true } },
} as const;

export function principalOf(u: { id: string; email: string; name: string; role: Role; orgWide: boolean; teams: { teamId: string }[] }) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    access: accessOf({ role: u.role, orgWide: u.orgWide, teamIds: u.teams.map((t) => t.teamId) }),
  };
}
