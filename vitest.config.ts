import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@/": fileURLToPath(new URL("./", import.meta.url)),
      "server-only": fileURLToPath(new URL("./test/support/server-only.ts", import.meta.url)),
    },
  },
  test: {
    include: ["test/**/*.test.ts", "lib/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One migrated database that every file's own database is copied from (test/support/db.ts).
    globalSetup: ["test/support/global-setup.ts"],
    reporters: ["default", "./test/support/slowest-reporter.ts"],
    // Tests build their git repositories in scratch directories under the OS temp directory: that is where
    // local repositories may be when a test allows them (lib/repos/url.ts localReposRoot).
    // POSTURE_SECRET_KEY: the worker and web app refuse to start without one (lib/credentials/key.ts); a
    // fixed test value, never a real installation's.
    env: { POSTURE_LOCAL_REPOS_ROOT: tmpdir(), POSTURE_SECRET_KEY: "posture-test-key-not-secret-0123456789abcdef" },
  },
});
