/** Stored git credentials from the dashboard: add and delete (admins and security leads), and "check access". */
import { z } from "zod";
import { checkAccess } from "../credentials/check.ts";
import { createCredential, createCredentialInput, deleteCredential } from "../credentials/service.ts";
import { localReposAllowed } from "../repos/url.ts";
import { ActionError, defineAction } from "./define.ts";
import { storingSecrets } from "./secret-key.ts";

/** Empty form fields mean "not given". */
const blankToUndefined = (v: unknown) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => !(typeof x === "string" && x.trim() === "")));
};

const domain = <T>(work: () => Promise<T>) => storingSecrets("credentials", work);

export const createCredentialAction = defineAction({
  name: "credentials.create",
  permission: "credentials:manage",
  input: z.preprocess(blankToUndefined, createCredentialInput),
  // The secret goes in and never comes back out: the result is the summary only.
  run: ({ db, actor }, input) => domain(() => createCredential(db, actor, input)),
});

export const deleteCredentialAction = defineAction({
  name: "credentials.delete",
  permission: "credentials:manage",
  input: z.object({ credentialId: z.string().trim().min(1).max(64) }),
  run: ({ db, actor }, { credentialId }) =>
    domain(async () => {
      const gone = await deleteCredential(db, actor, credentialId);
      if (!gone) throw new ActionError("it no longer exists (reload the page)");
      return { name: gone.name };
    }),
});

export const checkAccessInput = z.preprocess(
  blankToUndefined,
  z
    .object({
      url: z.string().max(2048).optional(),
      repositoryId: z.string().trim().min(1).max(64).optional(),
      branch: z
        .string()
        .trim()
        .max(200)
        .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, "not a valid branch name")
        .optional(),
    })
    .refine((v) => Boolean(v.url) !== Boolean(v.repositoryId), { message: "give a repository URL", path: ["url"] }),
);

export const checkAccessAction = defineAction({
  name: "credentials.check",
  permission: "repositories:register",
  input: checkAccessInput,
  run: async ({ db }, input) => {
    let url = input.url;
    let branch = input.branch ?? null;
    if (input.repositoryId) {
      const repo = await db.repository.findUnique({ where: { id: input.repositoryId }, select: { url: true, branch: true } });
      if (!repo) throw new ActionError("no such repository");
      url = repo.url;
      branch = repo.branch;
    }
    return checkAccess(db, url!.trim(), branch, { allowLocal: localReposAllowed() });
  },
});

export const credentialsActions = [createCredentialAction, deleteCredentialAction, checkAccessAction];
