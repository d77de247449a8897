import { afterAll, expect } from "vitest";
import { FakeForge } from "./fake-forge.ts";

/**
 * A FakeForge for a forge client's tests, closed after the file's tests. The clients refuse loopback addresses
 * unless POSTURE_GIT_ALLOWED_NETWORKS lets them through, so it does until then.
 */
export async function startLoopbackForge(): Promise<FakeForge> {
  process.env.POSTURE_GIT_ALLOWED_NETWORKS = "127.0.0.1/32";
  const forge = await FakeForge.start();
  afterAll(async () => {
    await forge.close();
    delete process.env.POSTURE_GIT_ALLOWED_NETWORKS;
  });
  return forge;
}

/** What a forge client is given to reach `forge` with `token`. */
export const reach = (forge: FakeForge, token: string) => ({ baseUrl: forge.url, token, ca: forge.ca });

/**
 * The client's normal form of a repository the fake forge lists at `fullName` with its defaults (a main branch,
 * not archived, not a fork), its URLs on the fake forge's origin.
 */
export function listedRepository(
  forge: FakeForge,
  kind: "github" | "gitlab",
  fullName: string,
  o: { topics: string[]; visibility: "public" | "private" | "internal" },
) {
  return {
    forge: kind,
    id: expect.stringMatching(/^\d+$/),
    fullName,
    name: fullName.split("/").at(-1),
    httpsUrl: `${forge.url}/${fullName}.git`,
    sshUrl: `git@127.0.0.1:${fullName}.git`,
    webUrl: `${forge.url}/${fullName}`,
    defaultBranch: "main",
    archived: false,
    fork: false,
    ...o,
  };
}
