import { matchingCredential } from "@/lib/credentials/queries.ts";
import { KIND_LABEL } from "@/lib/credentials/types.ts";
import { getDb } from "@/lib/server/context.ts";
import { fmtAgo } from "../format.ts";
import { CheckRepositoryButton } from "./check-access.tsx";
import { Panel } from "../panel.tsx";

/** Which stored credential the worker clones this repository with (by its URL), and a "check access" button. */
export async function RepositoryAccess({ repositoryId, url, canCheck }: { repositoryId: string; url: string; canCheck: boolean }) {
  const c = await matchingCredential(getDb(), url);
  return (
    <Panel id="repo-access-h" title="Access">
      {c ? (
        <p>
          Cloned with the stored credential “{c.name}” ({KIND_LABEL[c.kind]}, <code>{c.scope}</code>,{" "}
          <code className="small">{c.fingerprint}</code>), last used {fmtAgo(c.lastUsedAt)}
          {c.lastResult && c.lastResult !== "ok" ? <span className="error"> ({c.lastResult.replace(/_/g, " ")})</span> : null}.
        </p>
      ) : (
        <p className="muted">No stored credential matches its URL: it is cloned without one, as a public repository.</p>
      )}
      {canCheck ? <CheckRepositoryButton repositoryId={repositoryId} /> : null}
    </Panel>
  );
}
