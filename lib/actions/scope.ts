/**
 * What an action may touch, by the acting user's scope (lib/findings/visibility.ts): a repository or a team
 * outside it is answered exactly as an unknown one, so the answer says nothing about another team.
 */
import type { SignedInUser } from "../auth/guard.ts";
import type { Db } from "../db/client.ts";
import { repositoryInScope } from "../findings/visibility.ts";
import { ActionError } from "./define.ts";

export async function requireRepository(db: Db, user: SignedInUser, repositoryId: string): Promise<{ id: string; teamId: string }> {
  const repo = await repositoryInScope(db, user.access, repositoryId);
  if (!repo) throw new ActionError("no such repository");
  return repo;
}
