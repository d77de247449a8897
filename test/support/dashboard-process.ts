/**
 * One "web process" for test/dashboard/shared-cache.test.ts: the overview's open-findings panel served through
 * the shared cache exactly as app/ui/overview/panels.tsx asks for it, and a triage endpoint, over the database
 * and Redis prefix in its environment. Prints its port on stdout when it listens.
 */
import { createServer } from "node:http";
import { Redis } from "ioredis";
import { SYSTEM } from "../../lib/audit.ts";
import { cachedAggregate, cacheStats, listenForChanges } from "../../lib/dashboard/cache.ts";
import { openFindings } from "../../lib/dashboard/overview.ts";
import { createDb } from "../../lib/db/client.ts";
import { updateFindings } from "../../lib/findings/triage.ts";
import { loadVisibility, ORG_WIDE, visibilityKey } from "../../lib/findings/visibility.ts";

const db = createDb(process.env.DATABASE_URL!, { max: 2 });
const redis = new Redis(process.env.REDIS_URL!);
const cache = { redis, prefix: process.env.CACHE_PREFIX! };
const stop = listenForChanges(process.env.DATABASE_URL!, cache);

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url!, "http://x");
    if (url.pathname === "/overview") {
      const visibility = await loadVisibility(db, ORG_WIDE);
      const open = await cachedAggregate(cache, `overview:open:${visibilityKey(visibility)}`, () =>
        openFindings(db, { limit: 10, visibility }),
      );
      res.end(JSON.stringify({ open: open.open, stats: cacheStats }));
    } else if (url.pathname === "/triage") {
      await updateFindings(db, [url.searchParams.get("id")!], { status: "false_positive", reason: "test fixture" }, SYSTEM, ORG_WIDE);
      res.end("{}");
    } else {
      res.statusCode = 404;
      res.end();
    }
  } catch (e) {
    res.statusCode = 500;
    res.end(JSON.stringify({ error: (e as Error).message }));
  }
});
server.listen(0, "127.0.0.1", () => {
  const a = server.address();
  console.log(typeof a === "object" && a ? a.port : 0);
});
process.on("SIGTERM", async () => {
  server.close();
  await stop();
  redis.disconnect();
  await db.$disconnect();
  process.exit(0);
});
