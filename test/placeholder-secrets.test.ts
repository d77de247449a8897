import { describe, expect, it } from "vitest";
import { isPlaceholderSecret } from "../lib/engine/redact.ts";
import { compileChecks } from "../lib/engine/compile.ts";
import { parsePolicy } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch, TEST_POLICY } from "./helpers.ts";

describe("isPlaceholderSecret", () => {
  it.each([
    "",
    '""',
    "YOUR_HF_TOKEN",
    "your-api-key",
    "<your-key>",
    "Bearer <token>",
    "Bearer test-tunnel-token",
    "changeme",
    "CHANGE_ME",
    "replace-me",
    "replace-with-strong-api-key",
    "xxx",
    "xxxxxxxxxxxxxxxx",
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "sk-...",
    "********",
    "dummy",
    "fake-token-1234",
    "hf_test_token_123",
    "sk-test-secret",
    "sk-foobar",
    "EMPTY",
    "not-needed",
    "placeholder",
    "${HF_TOKEN}",
    "$HF_TOKEN",
    "${{ secrets.HF_TOKEN }}",
    "{{ .Values.token }}",
    "{token}",
    "%s",
    "arn:aws:secretsmanager:us-east-1:1:secret:x",
    "HF_TOKEN=YOUR_HF_TOKEN",
    "API_KEY=changeme",
  ])("%j stands for a credential", (value) => {
    expect(isPlaceholderSecret(value)).toBe(true);
  });

  it.each([
    "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "ghp_4f9Qk2LmZr8TnW1xYb6VcJ3sH7dP0aE5uGi",
    "sk-proj-9fK2mQ7xLp4RtV8wZc1NbY6",
    "AKIAQ3EGRLXJ7NPW4T2M",
    "hunter2-very-secret-value",
    "S3cr3t!Passw0rd",
    "Bearer 9fK2mQ7xLp4RtV8wZc1NbY6aa",
    // a committed bcrypt hash of a built-in account's password: a value, not a $VAR reference
    "$2b$12$yt8KzuZvmaFpb8L4w96mhuQCgA9HJdUM91Yz/8JoGOUC4fxsBR16a",
    "%2Fpath-encoded-s3cr3t-9f",
    "latest-contest-2024-k9",
    "API_KEY=Zm9vYmFyLWxpdmUta2V5LTQ4",
    "AKIAQ3EXAMPLE7TRAIN1",
    // AWS's documented sample key has the live format end to end; the seed rulebook's Don't example uses it
    "AKIAIOSFODNN7EXAMPLE",
    '{"type": "service_account", "project_id": "my-test-project", "client_email": "a@example.iam.gserviceaccount.com"}',
    '{"type": "service_account"}',
  ])("%j is reported as a credential", (value) => {
    expect(isPlaceholderSecret(value)).toBe(false);
  });
});

describe("credential checks and placeholders", () => {
  const checks = parsePolicy(TEST_POLICY, "test.policy.yaml").checks.filter((c) => c.id === "test.python.secret");

  it("drops a match whose secret captures are all placeholders, keeps a real value", async () => {
    const s = scratch();
    s.write("app.py", 'API_KEY = "<your-api-key>"\nHF_TOKEN = "YOUR_HF_TOKEN"\nOPENAI_KEY = "sk-9fK2mQ7xLp4RtV8wZc1NbY6aa"\n');
    const r = await scanDirectory(s.root, { checks });
    expect(r.findings.map((f) => f.line)).toEqual([3]);
  });
});

describe("placeholdersCount", () => {
  // The same check, counting stand-ins where the name is a signing key's.
  const counting = (captured: string) =>
    parsePolicy(
      TEST_POLICY.replace(
        '    message: "{{NAME}} is set to {{VALUE}}"\n',
        `    message: "{{NAME}} is set to {{VALUE}}"\n    placeholdersCount: { captured: ${captured}, regex: "signing_?key$" }\n`,
      ),
      "test.policy.yaml",
    ).checks.filter((c) => c.id === "test.python.secret");

  it("reports a stand-in only where the capture names a secret the program checks or signs with", async () => {
    const s = scratch();
    s.write("app.py", 'API_KEY = "changeme"\nSIGNING_KEY = "changeme"\nSESSION_TOKEN = "<token>"\n');
    const r = await scanDirectory(s.root, { checks: counting("NAME") });
    expect(r.findings.map((f) => `${f.line} ${f.snippet.includes("changeme")}`)).toEqual(["2 false"]);
  });

  it("must name a capture the rule binds", () => {
    expect(() => compileChecks(counting("NAMES"))).toThrow(
      /check test\.python\.secret: placeholdersCount\.captured is NAMES, which its rule never binds/,
    );
  });
});
