/** Local git repositories the e2e scenarios register and scan (allowed by POSTURE_ALLOW_LOCAL_REPOS=1). */
import { join } from "node:path";
import { TestRepo } from "../../test/support/git.ts";

export const HOSTILE_FILE = "train_<img src=x onerror=alert(1)>.py";
export const HOSTILE_SNIPPET = `<script>alert('xss')</script>`;

// A module of the service's web app (request-handling code: the shell pattern checks report only there).
const CLEANUP_VULNERABLE = `import os
import subprocess

from fastapi import FastAPI

app = FastAPI()

def cleanup(target_dir):
    os.system(f"rm -rf {target_dir}")


def archive(run_id):
    subprocess.run(f"tar czf /tmp/{run_id}.tgz /data/{run_id}", shell=True)
`;

// The same module with the shell injection fixed: arguments as a list, no shell.
const CLEANUP_FIXED = `import shutil
import subprocess

from fastapi import FastAPI

app = FastAPI()

def cleanup(target_dir):
    shutil.rmtree(target_dir)


def archive(run_id):
    subprocess.run(f"tar czf /tmp/{run_id}.tgz /data/{run_id}", shell=True)
`;

export function inferenceRepo(root: string): TestRepo {
  const r = new TestRepo(join(root, "inference-svc"));
  r.write("jobs/cleanup.py", CLEANUP_VULNERABLE).commit("cleanup job");
  return r;
}

export function triageRepo(root: string): TestRepo {
  const r = new TestRepo(join(root, "triage-svc"));
  r.write("ops/cleanup.py", CLEANUP_VULNERABLE).commit("ops scripts");
  return r;
}

/** The engineer's fix in scenario 2: a new commit without the os.system call. */
export function fixTriageRepo(r: TestRepo): string {
  return r.write("ops/cleanup.py", CLEANUP_FIXED).commit("use shutil instead of a shell");
}

export function hostileRepo(root: string): TestRepo {
  const r = new TestRepo(join(root, "hostile-svc"));
  r.write(HOSTILE_FILE, CLEANUP_VULNERABLE.replace(`rm -rf {target_dir}"`, `rm -rf {target_dir} # ${HOSTILE_SNIPPET}"`)).commit(
    "hostile names and snippets",
  );
  return r;
}

/** A repository with the vulnerable job under a name of its own (the list and its rows are found by name). */
export function namedRepo(root: string, name: string): TestRepo {
  const r = new TestRepo(join(root, name));
  r.write("jobs/cleanup.py", CLEANUP_VULNERABLE).commit("cleanup job");
  return r;
}
