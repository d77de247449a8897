/**
 * The demo repositories' content as real files: `repositories/<name>/` holds each file at its repository path as
 * it is first committed, and `repositories/<name>.history.yaml` the repository's team and commits (day, author,
 * message, file changes), so that the editor and the engine see Python as Python and YAML as YAML.
 *
 * A commit's changes, applied in this order by lib/demo/seed.ts:
 *
 * ```yaml
 * write: [app.py, README.md]          # whole files, read from repositories/<name>/<path>
 * inline: { .env: "A=1\n" }           # whole files that cannot sit in Posture's checkout (git ignores .env)
 * pickles: { model.pkl: "touch /x" }  # a model file that runs this shell command when unpickled
 * remove: [.env]
 * edits:                              # exact text replacements in existing files, in order
 *   app.py: [{ replace: "eval(x)", with: "evaluate(x)" }]
 * ```
 *
 * Credentials in the content are `{{FAKE_...}}` placeholders, replaced at load time by token-shaped fakes built
 * by `fake`, so that no token-shaped literal sits in Posture's own source (secret scanners would rightly
 * complain). The root `.posture.yaml` keeps Posture's scan of its own checkout out of `repositories/`.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { load as parseYaml } from "js-yaml";
import { z } from "zod";
import { DomainError } from "../errors.ts";

/** The demo content or database is not as the demo needs it: said at the terminal (lib/cli/demo.ts adds the fix). */
export class DemoError extends DomainError {
  constructor(message: string) {
    super("demo", message, { status: 500 });
  }
}

export interface DemoCommit {
  day: number;
  author: string;
  message: string;
  /** Whole files to write (text, or bytes for a model file); null removes the file. */
  files?: Record<string, string | Uint8Array | null>;
  /** Exact text replacements in existing files, [before, after] in order; each `before` must occur. */
  edits?: Record<string, [string, string][]>;
}

export interface DemoRepo {
  name: string;
  team: string;
  commits: DemoCommit[];
}

/**
 * Where the content is: beside this module, found from its own path rather than the working directory (the CLI
 * runs from anywhere). Not new URL("./repositories", import.meta.url): bundlers take that for an asset.
 */
export const DEMO_CONTENT_DIR = join(dirname(fileURLToPath(import.meta.url)), "repositories");

/** A deterministic token-shaped fake: prefix + `length` characters derived from `seed`. */
export function fake(
  prefix: string,
  seed: string,
  length: number,
  alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
): string {
  let out = "";
  let block = createHash("sha256").update(seed).digest();
  for (let i = 0; out.length < length; i++) {
    if (i >= block.length) {
      block = createHash("sha256").update(block).digest();
      i = 0;
    }
    out += alphabet[block[i]! % alphabet.length];
  }
  return prefix + out;
}

/** What each `{{NAME}}` in the content stands for. */
export const DEMO_PLACEHOLDERS: Readonly<Record<string, string>> = {
  FAKE_HF_TOKEN: fake("hf_", "llm-inference hf", 34),
  FAKE_HF_TEST_TOKEN: fake("hf_", "support-test", 34),
  FAKE_HF_FINETUNE_TOKEN: fake("hf_", "finetune hf", 34),
  FAKE_WANDB_KEY: fake("", "finetune wandb", 40, "0123456789abcdef"),
  FAKE_AWS_SECRET_KEY: fake("", "finetune aws secret", 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"),
  FAKE_OPENAI_KEY: fake("sk-proj-", "gateway openai", 40),
  FAKE_PYPI_PASSWORD: fake("", "embedding pypi", 18),
  FAKE_FEATURE_STORE_PASSWORD: fake("", "fraud s3", 20, "abcdefghijklmnopqrstuvwxyz0123456789"),
};

/** Anything in double braces: a misspelt placeholder must fail loudly, not land in a demo repository. */
export const PLACEHOLDER = /\{\{(.*?)\}\}/g;

/** Replaces every placeholder in `text`; `where` names the file for the error. */
export function substitute(text: string, where: string): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = DEMO_PLACEHOLDERS[name];
    if (value === undefined) throw new DemoError(`${where}: unknown placeholder ${whole}`);
    return value;
  });
}

/**
 * A pickle that runs a shell command when loaded (GLOBAL os.system, the command, REDUCE), built here so that no
 * such file sits in Posture's source. The demo's command only writes a marker; Posture never loads it.
 */
export function maliciousPickle(command: string): Uint8Array {
  const cmd = Buffer.from(command, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(cmd.length);
  // PROTO 2, GLOBAL "os system", BINUNICODE cmd, TUPLE1, REDUCE, STOP
  return Buffer.concat([
    Buffer.from([0x80, 0x02]),
    Buffer.from("cos\nsystem\n", "latin1"),
    Buffer.from([0x58]),
    len,
    cmd,
    Buffer.from([0x85, 0x52, 0x2e]),
  ]);
}

const path = z.string().min(1);
const history = z
  .object({
    team: z.string().min(1),
    commits: z
      .array(
        z
          .object({
            day: z.number().min(0),
            author: z.string().regex(/^.+ <[^>]+>$/, "must be 'Name <email>'"),
            message: z.string().min(1),
            write: z.array(path).optional(),
            inline: z.record(path, z.string()).optional(),
            pickles: z.record(path, z.string().min(1)).optional(),
            remove: z.array(path).optional(),
            edits: z.record(path, z.array(z.object({ replace: z.string().min(1), with: z.string() }).strict()).min(1)).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const historyFile = (name: string, root = DEMO_CONTENT_DIR) => join(root, `${name}.history.yaml`);

/** One repository's history with its files read and placeholders replaced. Throws DemoError naming the file. */
export function loadDemoRepo(name: string, root = DEMO_CONTENT_DIR): DemoRepo {
  const file = historyFile(name, root);
  const rel = (p: string) => p.slice(resolve(root).length + 1);
  if (!existsSync(file)) throw new DemoError(`${rel(file)} is missing`);
  const parsed = history.safeParse(parseYaml(readFileSync(file, "utf8"), { filename: file }));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DemoError(`${rel(file)}: ${issue.path.join(".")}: ${issue.message}`);
  }
  const filesDir = resolve(root, name);
  const commits = parsed.data.commits.map((c): DemoCommit => {
    const files: Record<string, string | Uint8Array | null> = {};
    for (const p of c.write ?? []) {
      const abs = resolve(filesDir, p);
      if (!abs.startsWith(filesDir + sep) || !existsSync(abs) || !lstatSync(abs).isFile())
        throw new DemoError(`${rel(file)}: "${c.message}" writes ${p}, which is not a file under ${name}/`);
      files[p] = substitute(readFileSync(abs, "utf8"), rel(abs));
    }
    for (const [p, text] of Object.entries(c.inline ?? {})) files[p] = substitute(text, `${rel(file)}: inline ${p}`);
    for (const [p, command] of Object.entries(c.pickles ?? {})) files[p] = maliciousPickle(command);
    for (const p of c.remove ?? []) files[p] = null;
    const commit: DemoCommit = { day: c.day, author: c.author, message: c.message };
    if (Object.keys(files).length) commit.files = files;
    if (c.edits)
      commit.edits = Object.fromEntries(
        Object.entries(c.edits).map(([p, pairs]) => [
          p,
          pairs.map((e): [string, string] => [substitute(e.replace, `${rel(file)}: ${p}`), substitute(e.with, `${rel(file)}: ${p}`)]),
        ]),
      );
    return commit;
  });
  return { name, team: parsed.data.team, commits };
}
