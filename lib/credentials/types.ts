import type { CredentialKind } from "../db/client.ts";
import type { Transport } from "./scope.ts";

/** What is sealed in a credential row (everything about it that is not shown again). */
export type CredentialSecret =
  | { kind: "https_token"; username: string; token: string }
  | { kind: "github_app"; appId: string; privateKey: string; installationId?: string; owner?: string; apiUrl?: string }
  | { kind: "ssh_key"; privateKey: string; hostKeys: string[] };

export const TRANSPORT_OF: Record<CredentialKind, Transport> = { https_token: "https", github_app: "https", ssh_key: "ssh" };

export const KIND_LABEL: Record<CredentialKind, string> = {
  https_token: "HTTPS token",
  github_app: "GitHub App",
  ssh_key: "SSH deploy key",
};

/** The only things ever shown about a credential once it is stored. */
export interface CredentialSummary {
  id: string;
  name: string;
  kind: CredentialKind;
  scope: string;
  fingerprint: string;
  expiresAt: Date | null;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  lastResult: string | null;
}
