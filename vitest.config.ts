import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "lib/**/*.test.ts"],
    testTimeout: 60_000,
    // The engine spawns worker threads of its own; vitest's forks pool keeps them isolated.
    pool: "forks",
  },
});
