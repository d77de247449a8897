import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A real git repository built commit by commit, for pipeline tests. */
export class TestRepo {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.git("init", "-q", "-b", "main");
    this.git("config", "user.email", "dev@example.test");
    this.git("config", "user.name", "Dev");
    this.git("config", "commit.gpgsign", "false");
  }
  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir }).toString().trim();
  }
  write(rel: string, content: string | Buffer): this {
    const p = join(this.dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return this;
  }
  remove(rel: string): this {
    rmSync(join(this.dir, rel), { force: true, recursive: true });
    return this;
  }
  commit(message: string): string {
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }
}
