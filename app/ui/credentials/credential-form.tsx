"use client";
import { useState } from "react";
import type { CredentialSummary } from "@/lib/credentials/types.ts";
import { createCredential } from "@/app/(dashboard)/admin/credentials/actions.ts";
import { SubmitAndError, useActionForm, type FormAction } from "../action-form.tsx";

type Kind = CredentialSummary["kind"];

const HINT: Record<Kind, string> = {
  https_token:
    "GitHub fine-grained (Contents: read) or classic (repo) token, GitLab project or group access token (read_repository), or another forge's app password.",
  github_app:
    "The worker mints a short-lived installation token for each clone, narrowed to that repository. The app needs Contents: read.",
  ssh_key: "A deploy key without a passphrase, and the server's host key, checked against the forge's published fingerprints.",
};

/**
 * Adding a credential: the secret fields are sent once and never shown again; what comes back is the summary
 * (name, scope, fingerprint). Password-type inputs and no autocomplete keep the browser from remembering them.
 */
export function CredentialForm() {
  const [kind, setKind] = useState<Kind>("https_token");
  const { state, pending, error, formProps } = useActionForm(createCredential as FormAction<CredentialSummary>, { resetOnSuccess: true });
  return (
    <form {...formProps} className="register-form" autoComplete="off">
      <label>
        Kind
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="https_token">HTTPS access token</option>
          <option value="github_app">GitHub App</option>
          <option value="ssh_key">SSH deploy key</option>
        </select>
      </label>
      <label>
        Name
        <input name="name" required maxLength={120} placeholder="e.g. acme read-only" />
      </label>
      <label className="wide">
        Scope <span className="muted small">(host and path prefix; most specific wins)</span>
        <input
          name="scope"
          required
          maxLength={500}
          placeholder={kind === "ssh_key" ? "github.com/acme/serving" : "github.com/acme/*"}
          spellCheck={false}
        />
      </label>
      <p className="muted small wide">{HINT[kind]}</p>
      {kind === "https_token" ? (
        <>
          <label className="wide">
            Token
            <input name="token" type="password" required maxLength={4096} spellCheck={false} autoComplete="new-password" />
          </label>
          <label>
            User name <span className="muted small">(optional)</span>
            <input name="username" maxLength={100} placeholder="x-access-token" spellCheck={false} />
          </label>
          <label>
            Expires <span className="muted small">(optional)</span>
            <input name="expiresAt" type="date" />
          </label>
        </>
      ) : null}
      {kind === "github_app" ? (
        <>
          <label>
            App id
            <input name="appId" required inputMode="numeric" maxLength={20} />
          </label>
          <label>
            Installation id <span className="muted small">(optional: else found on the scope&apos;s owner)</span>
            <input name="installationId" inputMode="numeric" maxLength={20} />
          </label>
          <label className="wide">
            API URL <span className="muted small">(optional: GitHub Enterprise Server)</span>
            <input name="apiUrl" type="url" maxLength={500} placeholder="https://api.github.com" spellCheck={false} />
          </label>
          <PrivateKeyField hint="(the .pem GitHub generated)" placeholder="-----BEGIN RSA PRIVATE KEY-----" />
        </>
      ) : null}
      {kind === "ssh_key" ? (
        <>
          <PrivateKeyField hint="(no passphrase)" placeholder="-----BEGIN OPENSSH PRIVATE KEY-----" />
          <label className="wide">
            Host keys <span className="muted small">(ssh-keyscan output, checked out of band)</span>
            <textarea
              name="hostKeys"
              required
              rows={3}
              spellCheck={false}
              className="mono"
              placeholder="github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
            />
          </label>
        </>
      ) : null}
      <SubmitAndError pending={pending} label="Store credential" pendingLabel="Storing…" error={error} />
      {state?.ok ? (
        <p role="status" className="wide">
          <span className="success">Stored “{state.data.name}”</span> for <code>{state.data.scope}</code>, fingerprint{" "}
          <code>{state.data.fingerprint}</code>. The secret is not shown again.
        </p>
      ) : null}
    </form>
  );
}

/** A pasted private key: a monospaced box, its kind's hint beside the label. */
function PrivateKeyField({ hint, placeholder }: { hint: string; placeholder: string }) {
  return (
    <label className="wide">
      Private key <span className="muted small">{hint}</span>
      <textarea name="privateKey" required rows={5} spellCheck={false} className="mono" placeholder={placeholder} />
    </label>
  );
}
