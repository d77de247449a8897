/** CLI commands that act on the database: migrations, first users, API tokens. */
import { parseArgs } from "node:util";
import { z } from "zod";
import { issueToken } from "../auth/tokens.ts";
import { createUser, ROLES } from "../auth/users.ts";
import { createDb, databaseUrl, redactUrl } from "../db/client.ts";
import { ensureDatabase, migrate } from "../db/migrate.ts";
import { UsageError, type Io } from "./io.ts";

function options<T extends z.ZodType>(args: string[], spec: Record<string, { type: "string" }>, schema: T): z.infer<T> {
  let values;
  try {
    values = parseArgs({ args, options: spec, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`--${i.path.join(".")}: ${i.message}`);
  }
  return parsed.data;
}

export async function dbCommand(args: string[], io: Io): Promise<number> {
  if (args[0] !== "migrate") throw new UsageError("usage: posture db migrate");
  const url = databaseUrl();
  const created = await ensureDatabase(url);
  const applied = await migrate(url);
  io.stdout(
    `${created ? "created database; " : ""}${applied.length ? `applied ${applied.join(", ")}` : "database is up to date"} (${redactUrl(url)})\n`,
  );
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

export async function userCommand(args: string[], io: Io): Promise<number> {
  if (args[0] !== "create")
    throw new UsageError(
      "usage: posture user create --email <email> [--name <name>] [--role admin|security_lead|engineer|viewer] [--org-wide] [--password-stdin]",
    );
  let passwordFromStdin = false;
  // Without --org-wide the role applies only to the teams the user is added to (issue 16).
  let orgWide = false;
  const rest = args
    .slice(1)
    .filter((a) =>
      a === "--password-stdin" ? ((passwordFromStdin = true), false) : a === "--org-wide" ? ((orgWide = true), false) : true,
    );
  const o = options(
    rest,
    { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
    z.object({
      email: z.string().email().max(254),
      name: z.string().trim().min(1).max(120).optional(),
      role: z.enum(ROLES).default("viewer"),
    }),
  );
  const db = createDb();
  try {
    const { user, password } = await createUser(
      db,
      { id: null, label: "cli" },
      { ...o, orgWide, password: passwordFromStdin ? await readStdin() : undefined },
    );
    io.stdout(`created ${user.role} ${user.email} (${user.id})\n`);
    if (password) io.stdout(`password (shown only once): ${password}\n`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

export async function tokenCommand(args: string[], io: Io): Promise<number> {
  if (args[0] !== "create")
    throw new UsageError("usage: posture token create --email <user email> --name <name> [--scope read|write] [--expires-days N]");
  const o = options(
    args.slice(1),
    { email: { type: "string" }, name: { type: "string" }, scope: { type: "string" }, "expires-days": { type: "string" } },
    z.object({
      email: z.string().email(),
      name: z.string().trim().min(1).max(120),
      scope: z.enum(["read", "write"]).default("read"),
      "expires-days": z.coerce.number().int().min(1).max(3650).optional(),
    }),
  );
  const db = createDb();
  try {
    const found = await db.user.findUnique({ where: { email: o.email.toLowerCase() } });
    if (!found || found.disabledAt) throw new UsageError(`no active user with email ${o.email}`);
    const { token, record, user } = await issueToken(db, { id: null, label: "cli" }, "operator", {
      userId: found.id,
      name: o.name,
      scope: o.scope,
      expiresDays: o["expires-days"],
    });
    const expiresAt = record.expiresAt;
    io.stderr(
      `created ${record.scope} token "${record.name}" for ${user.email}${expiresAt ? `, expires ${expiresAt.toISOString().slice(0, 10)}` : ""}; it is shown only once:\n`,
    );
    io.stdout(`${token}\n`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}
