import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { config, type Env } from "../config.ts";

/**
 * Where demo repositories live: $POSTURE_DATA_DIR/demo-repos, by default .posture/demo-repos in the checkout.
 * Apart from lib/demo/seed.ts, lib/repos/url.ts needs it (the default root for local repositories) without
 * the seeding code.
 */
export function demoReposDir(env?: Env): string {
  const configured = config(env).dataDir;
  // Not new URL("../../.posture", import.meta.url): the web app's bundler takes that for an asset to bundle.
  const dataDir = configured ? resolve(configured) : join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".posture");
  return join(dataDir, "demo-repos");
}
