import { mkdirSync } from "node:fs";
import { issueToken } from "../../lib/auth/tokens.ts";
import { createUser } from "../../lib/auth/users.ts";
import { createDb } from "../../lib/db/client.ts";
import { ensureDatabase, migrate } from "../../lib/db/migrate.ts";
import { build, env, newStackIdentity, PASSWORD, startProcess, waitForHttp, writeState, type StackState } from "./stack.ts";
import { forgeStackEnv } from "./forge.ts";

export default async function globalSetup(): Promise<void> {
  const id = newStackIdentity();
  const e = env(id);
  mkdirSync(id.workDir, { recursive: true });
  await ensureDatabase(id.databaseUrl);
  await migrate(id.databaseUrl);

  const db = createDb(id.databaseUrl, { max: 2 });
  const users = {} as StackState["users"];
  try {
    for (const [key, role] of [
      ["admin", "admin"],
      ["lead", "security_lead"],
      ["engineer", "engineer"],
      ["viewer", "viewer"],
    ] as const) {
      const email = `${key}@e2e.example`;
      // Org-wide, as every scenario before teams had them (issue 16); team scope is test/authz-matrix.test.ts.
      const { user } = await createUser(
        db,
        { id: null, label: "e2e" },
        { email, name: `E2E ${key}`, role, orgWide: true, password: PASSWORD },
      );
      // A write token for each: what it may do is still bounded by the role (scenario 4 relies on that).
      const { token } = await issueToken(db, { id: null, label: "e2e" }, "operator", { userId: user.id, name: "e2e", scope: "write" });
      users[key] = { email, password: PASSWORD, id: user.id, token };
    }
  } finally {
    await db.$disconnect();
  }

  const port = new URL(process.env.E2E_BASE_URL ?? "http://127.0.0.1:3199").port;
  // Written before anything can fail, so teardown always finds what to clean up.
  writeState({ baseURL: `http://127.0.0.1:${port}`, ...id, pids: [], users });
  build(e);
  // The connection scenario's forge on 127.0.0.1, trusted by both (e2e/support/forge.ts).
  const forge = forgeStackEnv(id.workDir, `http://127.0.0.1:${port}`);
  const web = startProcess("npx", ["next", "start", "-H", "127.0.0.1", "-p", port], { ...e, ...forge.web }, "e2e-web");
  const worker = startProcess(
    "node",
    ["--import", "tsx", "worker/index.ts"],
    { ...e, ...forge.worker, POSTURE_WORKER_CONCURRENCY: "2" },
    "e2e-worker",
  );
  const state: StackState = { baseURL: `http://127.0.0.1:${port}`, ...id, pids: [web.pid!, worker.pid!], users };
  writeState(state);
  await waitForHttp(`${state.baseURL}/login`);
}
