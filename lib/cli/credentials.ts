/**
 * `posture credentials list | rotate`: what is stored (as the dashboard shows it, never a secret) and the
 * re-encryption step of a key rotation (README: private repositories). The key comes from POSTURE_SECRET_KEY,
 * or from .posture/secret-key when ./bin/start generated it there.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createDb } from "../db/client.ts";
import { SECRET_KEY_ENV, secretKeys } from "../credentials/key.ts";
import { listCredentials } from "../credentials/queries.ts";
import { rotateCredentials } from "../credentials/service.ts";
import { KIND_LABEL } from "../credentials/types.ts";
import { UsageError, type Io } from "./io.ts";

const KEY_FILE = fileURLToPath(new URL("../../.posture/secret-key", import.meta.url));
const USAGE = "usage: posture credentials list | posture credentials rotate";

/** The environment, with POSTURE_SECRET_KEY from ./bin/start's key file when it is not set. */
export function keyEnvironment(
  env: Record<string, string | undefined> = process.env,
  keyFile = KEY_FILE,
): Record<string, string | undefined> {
  if (env[SECRET_KEY_ENV]?.trim()) return env;
  try {
    return { ...env, [SECRET_KEY_ENV]: readFileSync(keyFile, "utf8").trim() };
  } catch {
    return env;
  }
}

export async function credentialsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if ((sub !== "list" && sub !== "rotate") || rest.length) throw new UsageError(USAGE);
  const db = createDb();
  try {
    if (sub === "list") {
      const list = await listCredentials(db);
      if (!list.length) io.stdout("no stored credentials\n");
      for (const c of list)
        io.stdout(
          `${c.name}\t${KIND_LABEL[c.kind]}\t${c.scope}\t${c.fingerprint}\tlast used ${c.lastUsedAt ? `${c.lastUsedAt.toISOString()} (${c.lastResult})` : "never"}\n`,
        );
      return 0;
    }
    const keys = secretKeys(keyEnvironment());
    const r = await rotateCredentials(db, { id: null, label: "cli" }, keys);
    io.stdout(`re-encrypted ${r.resealed} credential(s) with the current key; ${r.current} already were\n`);
    if (r.unreadable.length) {
      io.stderr(
        `not readable with any configured key (set the key that encrypted them in POSTURE_SECRET_KEY_PREVIOUS): ${r.unreadable.join(", ")}\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}
