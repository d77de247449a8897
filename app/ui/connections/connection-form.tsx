"use client";
import { useState } from "react";
import { createConnection } from "@/app/(dashboard)/admin/connections/actions.ts";
import { SubmitAndError, useActionForm, type FormAction } from "../action-form.tsx";

export interface CredentialOption {
  id: string;
  name: string;
  kind: string;
  scope: string;
}

type Created = { connectionId: string; name: string; webhookSecret: string; warning: string | null };

const OWNER_KINDS = {
  github: [
    ["", "Ask GitHub"],
    ["org", "Organisation"],
    ["user", "User"],
    ["installation", "The App installation's repositories"],
  ],
  gitlab: [
    ["", "Ask GitLab"],
    ["group", "Group (with subgroups)"],
    ["user", "User"],
  ],
} as const;

/** The fields a connection's selection, teams and policy are set with: shared by connecting and changing one. */
export function SelectionFields({
  values,
}: {
  values?: {
    skipArchived: boolean;
    skipForks: boolean;
    topics: string[];
    namePattern: string | null;
    teamRules: string;
    defaultTeam: string;
    policyMode: string;
    blockAt: string;
    cloneProtocol: string;
  };
}) {
  const v = values ?? {
    skipArchived: true,
    skipForks: true,
    topics: [],
    namePattern: null,
    teamRules: "",
    defaultTeam: "",
    policyMode: "comment",
    blockAt: "high",
    cloneProtocol: "https",
  };
  return (
    <>
      <fieldset className="wide">
        <legend>Which repositories</legend>
        <label className="check">
          <input type="checkbox" name="skipArchived" defaultChecked={v.skipArchived} /> Skip archived repositories
        </label>
        <label className="check">
          <input type="checkbox" name="skipForks" defaultChecked={v.skipForks} /> Skip forks
        </label>
        <label>
          Topics <span className="muted small">(only these; comma-separated, empty: all)</span>
          <input name="topics" defaultValue={v.topics.join(", ")} maxLength={2000} placeholder="ml, serving" spellCheck={false} />
        </label>
        <label>
          Name pattern <span className="muted small">(globs, comma-separated; ! excludes)</span>
          <input name="namePattern" defaultValue={v.namePattern ?? ""} maxLength={500} placeholder="ml-*, !*-archive" spellCheck={false} />
        </label>
        <label>
          Clone over
          <select name="cloneProtocol" defaultValue={v.cloneProtocol}>
            <option value="https">HTTPS</option>
            <option value="ssh">SSH</option>
          </select>
        </label>
      </fieldset>
      <fieldset className="wide">
        <legend>Teams</legend>
        <label>
          Default team
          <input name="defaultTeam" required defaultValue={v.defaultTeam} maxLength={120} placeholder="platform" />
        </label>
        <label className="wide">
          Team rules{" "}
          <span className="muted small">
            (one a line, first match wins: topic:&lt;topic&gt; = &lt;team&gt; or prefix:&lt;prefix&gt; = &lt;team&gt;)
          </span>
          <textarea
            name="teamRules"
            rows={3}
            defaultValue={v.teamRules}
            className="mono"
            spellCheck={false}
            placeholder={"topic:serving = Serving\nprefix:train- = ML research"}
          />
        </label>
      </fieldset>
      <fieldset className="wide">
        <legend>Pull and merge requests</legend>
        <label>
          Policy
          <select name="policyMode" defaultValue={v.policyMode}>
            <option value="monitor">Monitor: record only</option>
            <option value="comment">Comment: status and comment, never failing</option>
            <option value="block">Block: failing status at or above a severity</option>
          </select>
        </label>
        <label>
          Block at
          <select name="blockAt" defaultValue={v.blockAt}>
            <option value="critical">critical</option>
            <option value="high">high and above</option>
            <option value="medium">medium and above</option>
            <option value="low">any severity</option>
          </select>
        </label>
      </fieldset>
    </>
  );
}

/** Connecting an organisation: the webhook secret comes back once, with where to put it. */
export function ConnectionForm({
  credentials,
  webhooks,
}: {
  credentials: CredentialOption[];
  webhooks: { github: string; gitlab: string };
}) {
  const [forge, setForge] = useState<"github" | "gitlab">("github");
  const { state, pending, error, formProps } = useActionForm(createConnection as FormAction<Created>, { resetOnSuccess: true });
  return (
    <form {...formProps} className="register-form" autoComplete="off">
      <label>
        Forge
        <select name="forge" value={forge} onChange={(e) => setForge(e.target.value as "github" | "gitlab")}>
          <option value="github">GitHub</option>
          <option value="gitlab">GitLab</option>
        </select>
      </label>
      <label>
        Name
        <input name="name" required maxLength={100} placeholder={forge === "github" ? "acme on GitHub" : "ml group on GitLab"} />
      </label>
      <label>
        {forge === "github" ? "Organisation or user" : "Group or user"}
        <input name="owner" required maxLength={255} placeholder={forge === "github" ? "acme" : "acme/ml"} spellCheck={false} />
      </label>
      <label>
        Owner kind
        <select name="ownerKind" defaultValue="">
          {OWNER_KINDS[forge].map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label className="wide">
        API URL{" "}
        <span className="muted small">
          (empty: {forge === "github" ? "github.com" : "gitlab.com"}; GitHub Enterprise Server or self-managed GitLab: its address)
        </span>
        <input
          name="baseUrl"
          type="url"
          maxLength={500}
          placeholder={forge === "github" ? "https://github.example.com" : "https://gitlab.example.com"}
          spellCheck={false}
        />
      </label>
      <label className="wide">
        Credential <span className="muted small">(a token or GitHub App stored under Credentials, scoped to this forge&apos;s host)</span>
        <select name="credentialId" required defaultValue="">
          <option value="" disabled>
            {credentials.length ? "Choose a credential" : "No token or App stored yet"}
          </option>
          {credentials.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.scope})
            </option>
          ))}
        </select>
      </label>
      <SelectionFields />
      <SubmitAndError pending={pending} label="Connect" pendingLabel="Connecting…" error={error} />
      {state?.ok ? (
        <div role="status" className="notice wide">
          <p>
            <span className="success">Connected “{state.data.name}”.</span> Its repositories are being listed and registered.
            {state.data.warning ? ` ${state.data.warning}.` : ""}
          </p>
          <p>
            Webhook secret (shown only once — copy it now):{" "}
            <code className="wrap-anywhere" data-testid="webhook-secret">
              {state.data.webhookSecret}
            </code>
          </p>
          <p className="small">
            Add a webhook on the{" "}
            {forge === "github"
              ? "organisation (Settings → Webhooks), content type application/json, events Pushes and Pull requests, URL"
              : "group (Settings → Webhooks), Secret token the value above, triggers Push events and Merge request events, URL"}{" "}
            <code>{forge === "github" ? webhooks.github : webhooks.gitlab}</code>.
          </p>
        </div>
      ) : null}
    </form>
  );
}
