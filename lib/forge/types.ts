import { z } from "zod";
import { ForgeError } from "./errors.ts";

export type ForgeKind = "github" | "gitlab";

/** A repository as either forge lists it, in one shape. */
export interface ForgeRepository {
  forge: ForgeKind;
  /** The forge's own id: unchanged when the repository is renamed or moved, so a rename can be followed. */
  id: string;
  /** owner/name on GitHub; group/subgroup/name on GitLab. */
  fullName: string;
  name: string;
  httpsUrl: string;
  sshUrl: string;
  webUrl: string;
  /** null for a repository without commits. */
  defaultBranch: string | null;
  archived: boolean;
  fork: boolean;
  topics: string[];
  visibility: "public" | "private" | "internal";
}

/** What a commit status says; each forge's own words are mapped from these. */
export const COMMIT_STATES = ["pending", "success", "failure", "error"] as const;
export type CommitState = (typeof COMMIT_STATES)[number];

const repoPart = z.string().regex(/^(?!\.\.?$)[A-Za-z0-9_.-]{1,100}$/, "is not a repository or owner name");

export const commitStatusInput = z.object({
  /** owner/name (GitHub); group/…/name or the numeric project id (GitLab). */
  repo: z.string().min(1).max(400),
  sha: z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, "is not a full commit id"),
  state: z.enum(COMMIT_STATES),
  /** The status's name on the forge, e.g. "posture": one per context, replaced on each post. */
  context: z.string().trim().min(1).max(100),
  /** Shortened to the 140 characters GitHub keeps. */
  description: z.string().transform((d) => (d.length > 140 ? `${d.slice(0, 139)}…` : d)),
  targetUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
});
export type CommitStatusInput = z.input<typeof commitStatusInput>;

// A GitHub comment holds at most 65536 characters; GitLab allows more. The marker line is added to this.
const MAX_COMMENT = 60_000;

export const changeCommentInput = z.object({
  repo: z.string().min(1).max(400),
  /** The pull request's number (GitHub) or the merge request's iid (GitLab). */
  number: z.number().int().positive(),
  /** Names the one comment this is: e.g. "change-scan". Written into the comment as <!-- posture:marker -->. */
  marker: z.string().regex(/^[a-z0-9][a-z0-9:_-]{0,63}$/, "is not a marker (a-z, 0-9, : _ -)"),
  body: z
    .string()
    .min(1)
    .transform((b) => (b.length > MAX_COMMENT ? `${b.slice(0, MAX_COMMENT)}\n\n… (shortened)` : b)),
  /**
   * The login the client's token comments as (currentUser(), or an App's "<slug>[bot]"). Only that author's
   * comment with the marker is updated: anyone can write the marker into a comment of their own, and a token
   * that may edit every comment must not take over theirs.
   */
  author: z.string().min(1).max(255),
});
export type ChangeCommentInput = z.input<typeof changeCommentInput>;

export interface CommentResult {
  id: string;
  /** false when an existing comment was updated in place. */
  created: boolean;
  url?: string;
}

export interface ForgeClient {
  readonly kind: ForgeKind;
  /** Every repository of an organisation, user or group that the token can see. */
  listRepositories(owner: string, opts?: { ownerKind?: string }): Promise<ForgeRepository[]>;
  setCommitStatus(input: CommitStatusInput): Promise<void>;
  /** Creates the change's one comment with this marker, or updates it in place. */
  upsertComment(input: ChangeCommentInput): Promise<CommentResult>;
  /** The login (username) the token acts as. */
  currentUser(): Promise<string>;
}

export function markerTag(marker: string): string {
  return `<!-- posture:${marker} -->`;
}

/** Input from a caller validated, as a ForgeError a caller can show. */
export function checked<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ForgeError("invalid_config", `${issue.path.join(".") || "input"}: ${issue.message}`);
}

export function repoParts(repo: string): [string, string] {
  const parts = repo.split("/");
  if (parts.length !== 2 || !repoPart.safeParse(parts[0]).success || !repoPart.safeParse(parts[1]).success)
    throw new ForgeError("invalid_config", `${repo.slice(0, 200)} is not owner/name`);
  return [parts[0]!, parts[1]!];
}

export function ownerName(owner: string): string {
  if (!repoPart.safeParse(owner).success) throw new ForgeError("invalid_config", `${owner.slice(0, 200)} is not an owner name`);
  return owner;
}
