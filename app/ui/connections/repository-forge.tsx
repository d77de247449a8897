import Link from "next/link";
import { policyText } from "@/lib/connections/policy.ts";
import { repositoryForge } from "@/lib/connections/queries.ts";
import { USED_FRAMEWORK_LABELS, type UsedFramework } from "@/lib/repos/framework-names.ts";
import { getDb } from "@/lib/server/context.ts";
import { setRepositoryPolicy } from "@/app/(dashboard)/admin/connections/actions.ts";
import { ActionForm } from "../action-form.tsx";
import { fmtAgo } from "../format.ts";
import { SelectField } from "../select-field.tsx";
import { Panel } from "../panel.tsx";

const FORGE = { github: "GitHub", gitlab: "GitLab" } as const;

/** Where the repository comes from (a connected organisation), what it uses, and the policy its changes meet. */
export async function RepositoryForge({
  repositoryId,
  frameworks,
  canManage,
}: {
  repositoryId: string;
  frameworks: readonly string[];
  canManage: boolean;
}) {
  const f = await repositoryForge(getDb(), repositoryId);
  const used = frameworks.filter((x): x is UsedFramework => x in USED_FRAMEWORK_LABELS);
  return (
    <Panel id="forge-h" title="Forge and frameworks">
      <dl className="facts small">
        <dt>Frameworks</dt>
        <dd data-testid="frameworks">
          {used.length ? used.map((x) => USED_FRAMEWORK_LABELS[x]).join(", ") : "none seen by the last successful scan"}
        </dd>
        {f ? (
          <>
            <dt>From</dt>
            <dd>
              {FORGE[f.connection.forge]} {f.connection.owner} (
              {canManage ? <Link href="/admin/connections">{f.connection.name}</Link> : f.connection.name}) as {f.fullName}
              {f.archivedOnForge ? " · archived on the forge" : ""} · last seen {fmtAgo(f.lastSeenAt)}
            </dd>
            <dt>Policy</dt>
            <dd>
              {policyText(f.policy)} ({f.policy.source === "repository" ? "this repository's own" : "the organisation's"})
            </dd>
          </>
        ) : (
          <>
            <dt>From</dt>
            <dd>registered by hand, not from a connected organisation: no webhooks or pull request scans</dd>
          </>
        )}
      </dl>
      {f && canManage ? (
        <details>
          <summary>This repository&apos;s own policy</summary>
          <ActionForm action={setRepositoryPolicy} submit="Save policy" className="row-flex" fields={{ repositoryId }}>
            <SelectField
              name="mode"
              label="Mode"
              value={f.override.mode}
              any={`The organisation's (${f.policy.source === "organisation" ? f.policy.mode : "inherit"})`}
              options={[
                ["monitor", "Monitor"],
                ["comment", "Comment"],
                ["block", "Block"],
              ]}
            />
            <SelectField
              name="blockAt"
              label="Block at"
              value={f.override.blockAt}
              any="The organisation's"
              options={[
                ["critical", "critical"],
                ["high", "high and above"],
                ["medium", "medium and above"],
                ["low", "any severity"],
              ]}
            />
          </ActionForm>
        </details>
      ) : null}
    </Panel>
  );
}
