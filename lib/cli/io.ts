/** Shared by the CLI's command modules (kept apart from main.ts, whose top-level await must not be imported). */
export class UsageError extends Error {}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}
