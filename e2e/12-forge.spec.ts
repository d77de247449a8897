/**
 * Issue 14 §4: an organisation connected from a forge on 127.0.0.1 (GitHub's REST API from the fake forge, and
 * git's smart HTTP protocol from git http-backend demanding the token, on one HTTPS origin), through the
 * dashboard: its repositories appear and are scanned; a signed push webhook scans that commit and the forge
 * records the status; a pull request introducing a critical finding with the policy in block mode gets a
 * failing status and one comment, updated in place (not duplicated) on its second push.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { githubSignature } from "../lib/hooks/verify.ts";
import { TestRepo } from "../test/support/git.ts";
import { startForgeWithGit, type ForgeWithGit } from "../test/support/forge-git.ts";
import { forgeTls } from "./support/forge.ts";
import { expectAdminPage, formOf } from "./support/admin-page.ts";
import { expect, signIn, snap, test } from "./support/fixtures.ts";
import { readState } from "./support/stack.ts";

const TOKEN = "ghp_e2eForgeToken0123456789abcdefABCDEF";

const APP = `import modal
import subprocess

from fastapi import FastAPI

app = modal.App("ml-serving")
api = FastAPI()


@app.function()
def cleanup(target_dir):
    subprocess.run(f"rm -rf {target_dir}", shell=True)
`;

// A timeout on the function: the push fixes modal.function.missing-timeout.
const APP_WITH_TIMEOUT = APP.replace("@app.function()", "@app.function(timeout=600)");

const loader = (name: string) => `from transformers import AutoModelForCausalLM


def ${name}(model):
    return AutoModelForCausalLM.from_pretrained(model, trust_remote_code=True)
`;

let forge: ForgeWithGit;
let work: TestRepo;

test.beforeAll(async () => {
  const { workDir } = readState();
  const root = join(workDir, "forge-srv");
  work = new TestRepo(join(workDir, "forge-src", "ml-serving"));
  work.write("app.py", APP).commit("modal app");
  mkdirSync(join(root, "acme"), { recursive: true });
  execFileSync("git", ["clone", "-q", "--bare", work.dir, join(root, "acme", "ml-serving.git")]);
  work.git("remote", "add", "origin", join(root, "acme", "ml-serving.git"));
  forge = await startForgeWithGit({ root, tls: forgeTls(workDir), tokens: { [TOKEN]: "*" } });
  forge.api.tokens.set(TOKEN, "acme-bot");
  forge.api.githubOwner("acme", "Organization", [
    { name: "ml-serving", private: true, topics: ["serving"] },
    { name: "old-notes", private: true, archived: true },
  ]);
});
test.afterAll(async () => forge?.close());

const push = (branch: string) => work.git("push", "-q", "-f", "origin", `HEAD:refs/heads/${branch}`);

let delivery = 0;
async function webhook(request: APIRequestContext, event: string, body: unknown, secret: string) {
  const raw = JSON.stringify(body);
  return request.post("/api/v1/hooks/github", {
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": `e2e-${Date.now()}-${++delivery}`,
      "x-hub-signature-256": githubSignature(secret, raw),
      "user-agent": "GitHub-Hookshot/e2e",
    },
    data: raw,
  });
}

async function statusOf(sha: string) {
  await expect
    .poll(() => forge.api.statuses.filter((s) => s.sha === sha).length, { timeout: 90_000, message: `a status for ${sha}` })
    .toBeGreaterThan(0);
  return forge.api.statuses.filter((s) => s.sha === sha).at(-1)!;
}

test("security lead: connects an organisation; its push and pull request webhooks are scanned and reported on the forge", async ({
  page,
  request,
  state,
}) => {
  test.setTimeout(240_000);
  const lead = { authorization: `Bearer ${state.users.lead.token}` };

  // A token for the forge's host, stored under Credentials.
  await signIn(page, "lead", "/admin/credentials");
  const cred = formOf(page, "Store credential");
  await cred.locator('select[name="kind"]').selectOption("https_token");
  await cred.getByLabel("Name", { exact: true }).fill("acme forge token");
  await cred.getByLabel("Scope").fill(`127.0.0.1:${forge.git.port}/acme/*`);
  await cred.getByRole("textbox", { name: "Token", exact: true }).fill(TOKEN);
  await cred.getByRole("button", { name: "Store credential" }).click();
  await expect(cred.getByRole("status")).toContainText("Stored “acme forge token”");

  // Connect the organisation.
  await page.goto("/admin/connections");
  await expectAdminPage(page, "Connections");
  const form = formOf(page, "Connect");
  await form.locator('select[name="forge"]').selectOption("github");
  await form.getByLabel("Name", { exact: true }).fill("acme");
  await form.getByLabel("Organisation or user").fill("acme");
  await form.getByLabel("API URL").fill(forge.origin);
  await form.locator('select[name="credentialId"]').selectOption({ label: `acme forge token (127.0.0.1:${forge.git.port}/acme/*)` });
  await form.getByLabel("Default team").fill("ML platform");
  await form.getByLabel("Team rules").fill("topic:serving = Serving");
  await form.getByRole("button", { name: "Connect" }).click();
  const notice = form.getByRole("status");
  await expect(notice).toContainText("Connected “acme”");
  await expect(notice).toContainText(`${state.baseURL}/api/v1/hooks/github`);
  const secret = (await notice.getByTestId("webhook-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);

  // Its repositories appear (the archived one is skipped) and are scanned over HTTPS with the token.
  let repositoryId = "";
  await expect
    .poll(
      async () => {
        const list = (
          (await (await request.get("/api/v1/repositories", { headers: lead })).json()) as {
            repositories: { id: string; name: string; lastScan: { status: string } | null }[];
          }
        ).repositories;
        const r = list.find((x) => x.name === "acme/ml-serving");
        repositoryId = r?.id ?? "";
        return [r?.lastScan?.status ?? "none", list.some((x) => x.name === "acme/old-notes")];
      },
      { timeout: 90_000 },
    )
    .toEqual(["succeeded", false]);
  await page.reload();
  await expect(page.getByTestId("last-sync")).toContainText("2 listed, 1 selected: 1 registered");
  await snap(page, "connections");
  await page.goto("/repositories?framework=modal");
  await expect(page.locator("table tbody tr").filter({ hasText: "acme/ml-serving" })).toBeVisible();
  await page.goto(`/repositories/${repositoryId}`);
  await expect(page.getByTestId("frameworks")).toHaveText("Modal");
  await expect(page.getByRole("region", { name: "Forge and frameworks" })).toContainText("as acme/ml-serving");

  // A bad signature is refused without a word of why.
  const forged = await webhook(request, "push", { ref: "refs/heads/main" }, "whsec_not-the-secret");
  expect([forged.status(), await forged.json()]).toEqual([401, { error: { code: "unauthorized", message: "unauthorized" } }]);

  // A signed push to the tracked branch: that commit is scanned and its status posted to the forge.
  work.write("app.py", APP_WITH_TIMEOUT);
  const pushed = work.commit("a timeout on the function");
  push("main");
  const repo = forge.api.githubRepos("acme").find((r) => r.name === "ml-serving")!;
  const repository = { id: repo.id, full_name: "acme/ml-serving", default_branch: "main" };
  const answer = await webhook(request, "push", { ref: "refs/heads/main", after: pushed, repository }, secret);
  expect([answer.status(), await answer.json()]).toEqual([202, { outcome: `push ${pushed.slice(0, 12)}: scan queued` }]);
  const status = await statusOf(pushed);
  expect(status).toMatchObject({
    repo: "acme/ml-serving",
    login: "acme-bot",
    body: {
      state: "success",
      context: "posture",
      description: "1 open finding (1 high); 0 new, 1 fixed by this push",
      target_url: `${state.baseURL}/repositories/${repositoryId}`,
    },
  });
  const scans = (
    (await (await request.get(`/api/v1/repositories/${repositoryId}/scans`, { headers: lead })).json()) as {
      scans: { commitSha: string; trigger: string; status: string }[];
    }
  ).scans;
  expect(scans[0]).toMatchObject({ commitSha: pushed, trigger: "push", status: "succeeded" });

  // Block mode, for critical findings.
  await page.goto("/admin/connections");
  await page.getByText("Change what is registered, teams and policy").click();
  const edit = formOf(page, "Save");
  await edit.locator('select[name="policyMode"]').selectOption("block");
  await edit.locator('select[name="blockAt"]').selectOption("critical");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByRole("status")).toContainText("Saved");

  // A pull request that loads a model with trust_remote_code=True: a critical finding, a failing status, one comment.
  work.git("checkout", "-q", "-b", "feature");
  work.write("serve/loader.py", loader("load"));
  const head1 = work.commit("load the model");
  push("feature");
  const pr = (action: string, sha: string) => ({
    action,
    number: 12,
    pull_request: {
      title: "Serve the new model",
      html_url: `${forge.origin}/acme/ml-serving/pull/12`,
      head: { ref: "feature", sha, repo: { id: repo.id, full_name: "acme/ml-serving" } },
      base: { ref: "main" },
    },
    repository,
  });
  expect((await webhook(request, "pull_request", pr("opened", head1), secret)).status()).toBe(202);
  const failing = await statusOf(head1);
  expect(failing.body).toMatchObject({
    state: "failure",
    context: "posture",
    description: "Blocked: 1 new finding at or above critical (1 critical)",
  });
  const comments = () => forge.api.comments.get("acme/ml-serving#12") ?? [];
  await expect.poll(() => comments().length, { timeout: 30_000 }).toBe(1);
  const first = comments()[0]!;
  expect(first.body).toContain("**Blocking:** 1 new finding at or above **critical**");
  expect(first.body).toContain("ml\\-serving\\.python\\.trust\\-remote\\-code");

  // A second push to the pull request: a failing status for it, and the same comment updated, not a second one.
  work.write("serve/other.py", loader("load_other"));
  const head2 = work.commit("and another model");
  push("feature");
  expect((await webhook(request, "pull_request", pr("synchronize", head2), secret)).status()).toBe(202);
  const second = await statusOf(head2);
  expect(second.body).toMatchObject({ state: "failure", description: "Blocked: 2 new findings at or above critical (2 critical)" });
  await expect.poll(() => comments()[0]?.body.includes("2 new findings (2 critical)"), { timeout: 30_000 }).toBe(true);
  expect(comments().map((c) => c.id)).toEqual([first.id]);
  expect(forge.api.log().filter((l) => l === "POST /api/v3/repos/acme/ml-serving/issues/12/comments")).toHaveLength(1);

  // The change scans are on the repository's page and in the API; the branch's findings are untouched.
  const changes = (
    (await (await request.get(`/api/v1/repositories/${repositoryId}/changes`, { headers: lead })).json()) as {
      changes: { number: number; headSha: string; introduced: number; status: string }[];
    }
  ).changes;
  expect(changes.map((c) => [c.number, c.headSha, c.status, c.introduced])).toEqual([
    [12, head2, "succeeded", 2],
    [12, head1, "succeeded", 1],
  ]);
  const open = (
    (await (await request.get(`/api/v1/findings?repository=${repositoryId}&status=open`, { headers: lead })).json()) as {
      items: { checkId: string }[];
    }
  ).items;
  expect(open.map((f) => f.checkId)).not.toContain("ml-serving.python.trust-remote-code");
  await page.goto(`/repositories/${repositoryId}`);
  const recent = page.getByRole("region", { name: "Recent changes" });
  await expect(recent).toContainText("#12 Serve the new model");
  await recent.getByRole("link", { name: "#12 Serve the new model" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("#12 Serve the new model");
  await expect(page.getByRole("region", { name: "New findings" })).toContainText("ml-serving.python.trust-remote-code");
  await snap(page, "change-scan");
  work.git("checkout", "-q", "main");
});
