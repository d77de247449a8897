import { run } from "../../lib/cli/main.ts";

/** Runs the posture CLI in-process as a pipe would (not a TTY), collecting its exit code and both outputs. */
export async function runCli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false });
  return { code, stdout, stderr };
}
