import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

/** A scratch directory removed after the test file; `write` creates parents as needed. */
export function scratch(prefix = "posture-test-") {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, content: string | Buffer) => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  };
  return { root, write, path: (rel: string) => join(root, rel) };
}

export { TEST_POLICY } from "./support/test-policy.ts";
