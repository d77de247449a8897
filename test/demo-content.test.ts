import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEMO_CONTENT_DIR,
  DEMO_PLACEHOLDERS,
  DemoError,
  loadDemoRepo,
  maliciousPickle,
  PLACEHOLDER,
  substitute,
} from "../lib/demo/content.ts";
import { DEMO_REPOS } from "../lib/demo/repos.ts";
import { applyChanges } from "../lib/demo/seed.ts";
import { readRepoConfig } from "../lib/engine/repo-config.ts";
import { scratch } from "./helpers.ts";

const data = scratch("posture-demo-content-");
const checkout = join(import.meta.dirname, "..");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.split("\\").join("/"))
    .sort();
}

/** Every text of the loaded demo: whole files and both sides of every edit. */
const loadedTexts = () =>
  DEMO_REPOS.flatMap((r) =>
    r.commits.flatMap((c) => [
      ...Object.values(c.files ?? {}).filter((v): v is string => typeof v === "string"),
      ...Object.values(c.edits ?? {}).flatMap((pairs) => pairs.flat()),
    ]),
  );

describe("demo content files", () => {
  it("has one history per demo repository and no file that no commit writes", () => {
    const names = DEMO_REPOS.map((r) => r.name);
    const histories = readdirSync(DEMO_CONTENT_DIR).filter((f) => f.endsWith(".history.yaml"));
    expect(histories.map((f) => f.replace(/\.history\.yaml$/, "")).sort()).toEqual([...names].sort());
    for (const repo of DEMO_REPOS) {
      const written = repo.commits.flatMap((c) => Object.entries(c.files ?? {}).filter(([, v]) => typeof v === "string"));
      const onDisk = filesUnder(join(DEMO_CONTENT_DIR, repo.name));
      // Inline files (.env, .gitignore) are written too but live in the history, not the folder.
      expect(onDisk.every((p) => written.some(([w]) => w === p))).toBe(true);
      expect(onDisk.length).toBeGreaterThan(0);
      expect(repo.commits.length).toBeGreaterThan(3);
    }
  });

  it("uses only known placeholders, every one of them, and leaves none after loading", () => {
    const raw = filesUnder(DEMO_CONTENT_DIR).map((p) => [p, readFileSync(join(DEMO_CONTENT_DIR, p), "utf8")] as const);
    const used = new Set<string>();
    for (const [p, text] of raw)
      for (const m of text.matchAll(PLACEHOLDER)) {
        expect(Object.keys(DEMO_PLACEHOLDERS), `${p}: ${m[0]}`).toContain(m[1]);
        used.add(m[1]!);
      }
    expect([...used].sort()).toEqual(Object.keys(DEMO_PLACEHOLDERS).sort());
    // The fakes themselves never sit in the files: only their placeholders do.
    for (const [p, text] of raw) for (const value of Object.values(DEMO_PLACEHOLDERS)) expect(text.includes(value), p).toBe(false);

    const loaded = loadedTexts();
    expect(loaded.filter((t) => t.includes("{{"))).toEqual([]);
    for (const [name, value] of Object.entries(DEMO_PLACEHOLDERS))
      expect(
        loaded.some((t) => t.includes(value)),
        name,
      ).toBe(true);
    // Shaped like the real credentials, so that the secret checks find them.
    expect(DEMO_PLACEHOLDERS.FAKE_HF_TOKEN).toMatch(/^hf_[A-Za-z0-9]{34}$/);
    expect(DEMO_PLACEHOLDERS.FAKE_OPENAI_KEY).toMatch(/^sk-proj-[A-Za-z0-9]{40}$/);
  });

  it("replays every repository's history: every file is written and every edit applies", async () => {
    for (const repo of DEMO_REPOS) {
      const dir = data.path(`replay/${repo.name}`);
      for (const commit of repo.commits) await applyChanges(dir, repo.name, commit);
      for (const p of filesUnder(dir)) {
        const bytes = readFileSync(join(dir, p));
        if (p.endsWith(".pkl")) expect(bytes.equals(Buffer.from(maliciousPickle("touch /tmp/posture-demo-pickle-ran")))).toBe(true);
        else expect(bytes.toString("utf8"), `${repo.name}/${p}`).not.toMatch(PLACEHOLDER);
      }
    }
    // What the later commits leave behind, for a spot check of the replay.
    const app = readFileSync(data.path("replay/support-assistant-llm/app.py"), "utf8");
    expect(app).toContain('@modal.fastapi_endpoint(method="POST", requires_proxy_auth=True)');
    expect(app).not.toContain("HF_TOKEN = ");
    expect(filesUnder(data.path("replay/llm-finetune-monitor"))).not.toContain(".env");
  });

  it("names the file and the problem when content is wrong", () => {
    expect(() => substitute("key = {{FAKE_NOPE}}", "x/app.py")).toThrow(new DemoError("x/app.py: unknown placeholder {{FAKE_NOPE}}"));
    const root = data.path("bad");
    data.write(
      "bad/typo.history.yaml",
      "team: t\ncommits:\n  - day: 1\n    author: A <a@example.test>\n    message: m\n    wirte: [a.py]\n",
    );
    expect(() => loadDemoRepo("typo", root)).toThrow(/typo\.history\.yaml: commits\.0: Unrecognized key.*wirte/);
    data.write(
      "bad/missing.history.yaml",
      "team: t\ncommits:\n  - day: 1\n    author: A <a@example.test>\n    message: m\n    write: [a.py]\n",
    );
    expect(() => loadDemoRepo("missing", root)).toThrow(/missing\.history\.yaml: "m" writes a\.py, which is not a file under missing\//);
    data.write(
      "bad/escape.history.yaml",
      "team: t\ncommits:\n  - day: 1\n    author: A <a@example.test>\n    message: m\n    write: [../x.py]\n",
    );
    data.write("bad/x.py", "print(1)\n");
    expect(() => loadDemoRepo("escape", root)).toThrow(DemoError);
    data.write("bad/unknown/a.py", "k = '{{FAKE_TYPO}}'\n");
    data.write(
      "bad/unknown.history.yaml",
      "team: t\ncommits:\n  - day: 1\n    author: A <a@example.test>\n    message: m\n    write: [a.py]\n",
    );
    expect(() => loadDemoRepo("unknown", root)).toThrow("unknown/a.py: unknown placeholder {{FAKE_TYPO}}");
    expect(() => loadDemoRepo("absent", root)).toThrow("absent.history.yaml is missing");
  });

  it("is excluded, with its reason, when Posture scans its own checkout", () => {
    const { config, error } = readRepoConfig(checkout);
    expect(error).toBeUndefined();
    const files = filesUnder(DEMO_CONTENT_DIR).map((p) => relative(checkout, join(DEMO_CONTENT_DIR, p)).split("\\").join("/"));
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) expect(config.excluded(f), f).toMatch(/demo organisation/);
    // Only the content: the code that seeds it is Posture's own.
    expect(config.excluded("lib/demo/seed.ts")).toBeUndefined();
    expect(config.excluded("lib/demo/content.ts")).toBeUndefined();
  });
});
