import { PrismaPg } from "@prisma/adapter-pg";
import { config } from "../config.ts";
import { Prisma, PrismaClient } from "./generated/client.ts";

export * from "./generated/client.ts";
export { DEFAULT_DATABASE_URL } from "../config.ts";

/** DATABASE_URL (lib/config.ts). */
export function databaseUrl(): string {
  return config().databaseUrl;
}

export type Db = PrismaClient;

/** A write refused by a unique index: two requests raced, or the row exists already. */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

export function createDb(url = databaseUrl(), opts: { max?: number } = {}): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: opts.max ?? 10 }) });
}

/** Replaces the password in a connection URL, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
