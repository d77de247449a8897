/**
 * The forge of the connection scenario (e2e/12-forge.spec.ts): a certificate made before the stack starts, so
 * the web app and the worker trust it (NODE_EXTRA_CA_CERTS for the forge's API, the worker's ~/.gitconfig for
 * git), and 127.0.0.1 let through as an internal forge would be. The scenario itself starts the forge (the fake
 * REST API and git http-backend on one origin, test/support/forge-git.ts) with this certificate, in its own
 * process, so it can read what the forge received.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testTls } from "../../test/support/git-servers.ts";

const dir = (workDir: string) => join(workDir, "forge-tls");

export function forgeStackEnv(workDir: string, baseURL: string): { web: Record<string, string>; worker: Record<string, string> } {
  const tls = testTls(dir(workDir));
  const shared = { NODE_EXTRA_CA_CERTS: tls.certFile, POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.1/32", POSTURE_PUBLIC_URL: baseURL };
  return { web: shared, worker: { ...shared, HOME: tls.gitHome } };
}

export function forgeTls(workDir: string): { key: string; cert: string } {
  return { key: readFileSync(join(dir(workDir), "tls-key.pem"), "utf8"), cert: readFileSync(join(dir(workDir), "tls-cert.pem"), "utf8") };
}
