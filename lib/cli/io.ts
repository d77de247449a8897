/** Shared by the CLI's command modules (kept apart from main.ts, whose top-level await must not be imported). */
import { DomainError } from "../errors.ts";
/** The command line itself is wrong: the message is followed by the usage. */
export class UsageError extends DomainError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** Exit codes: 0 done, 1 findings at or above --fail-on (main.ts), 2 anything that stopped the command. */
export const EXIT_FAILED = 2;

/**
 * The CLI's one mapping of errors: what stderr says and the exit code. A DomainError's message is for the
 * person at the terminal (an operator's setting included); anything else is unexpected, and its first line is
 * all that is shown (stderr is the CLI's log).
 */
export function cliFailure(e: unknown, usage: string): { exitCode: number; stderr: string } {
  if (e instanceof UsageError) return { exitCode: EXIT_FAILED, stderr: `posture: ${e.message}\n${usage}\n` };
  if (e instanceof DomainError) return { exitCode: EXIT_FAILED, stderr: `posture: ${e.message}\n` };
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND")
    return { exitCode: EXIT_FAILED, stderr: "posture: cannot reach the database (is PostgreSQL running? set DATABASE_URL)\n" };
  const message = e instanceof Error ? e.message : String(e);
  return { exitCode: EXIT_FAILED, stderr: `posture: unexpected error: ${message.split("\n")[0]}\n` };
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}
