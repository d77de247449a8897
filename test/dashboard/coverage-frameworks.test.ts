import { describe, expect, it } from "vitest";
import type { Db, Framework } from "../../lib/db/client.ts";
import { coverageTrend } from "../../lib/dashboard/coverage.ts";
import { repositoryListParams, repositoryPage } from "../../lib/repos/queries.ts";
import { useTestDatabase } from "../support/db.ts";
import { ORG_WIDE, loadVisibility } from "../../lib/findings/visibility.ts";

const t = useTestDatabase("coverage_fw");

const vis = () => loadVisibility(t.db, ORG_WIDE);
const DAY = 86_400_000;
const NOW = new Date("2026-12-02T12:00:00Z");
const ago = (days: number, hours = 0) => new Date(NOW.getTime() - days * DAY - hours * 3_600_000);

async function repo(db: Db, name: string, o: { createdAt?: Date; archivedAt?: Date | null; frameworks?: Framework[] } = {}) {
  const team = await db.team.upsert({ where: { name: "t" }, create: { name: "t" }, update: {} });
  return db.repository.create({
    data: {
      name,
      url: `https://git.example.com/org/${name}.git`,
      urlKey: `git.example.com/org/${name}`,
      teamId: team.id,
      createdAt: o.createdAt ?? ago(60),
      archivedAt: o.archivedAt ?? null,
      frameworks: o.frameworks ?? [],
    },
  });
}
const scan = (db: Db, repositoryId: string, finishedAt: Date, status: "succeeded" | "unchanged" | "failed" = "succeeded") =>
  db.scan.create({ data: { repositoryId, trigger: "schedule", status, queuedAt: finishedAt, finishedAt } });

describe("coverage over time", () => {
  it("gives, per day, the share of the repositories existing then that were scanned in the 24 hours and 7 days before", async () => {
    const a = await repo(t.db, "a");
    const b = await repo(t.db, "b");
    const c = await repo(t.db, "c", { createdAt: ago(1, 2) });
    await repo(t.db, "gone", { archivedAt: ago(2, 2) });
    await scan(t.db, a.id, ago(0, 1));
    await scan(t.db, a.id, ago(3, 1), "unchanged");
    await scan(t.db, b.id, ago(5, 1));
    await scan(t.db, b.id, ago(0, 2), "failed");
    await scan(t.db, c.id, ago(1, 1));
    const points = await coverageTrend(t.db, { access: ORG_WIDE, days: 4, now: NOW });
    expect(points.map((p) => [p.day, p.repositories, p.scanned24h, p.scanned7d, p.pct24h, p.pct7d])).toEqual([
      // Three days ago: a, b and "gone" exist; a was scanned an hour before, b two days before.
      ["2026-11-29", 3, 1, 2, 33.3, 66.7],
      // "gone" was archived two days and two hours ago: no longer counted.
      ["2026-11-30", 2, 0, 2, 0, 100],
      // c was registered 26 hours ago and scanned 25 hours ago.
      ["2026-12-01", 3, 1, 3, 33.3, 100],
      // Today: only a's scan is within 24 hours (b's last one failed, c's is 25 hours old).
      ["2026-12-02", 3, 1, 3, 33.3, 100],
    ]);
  });

  it("is null, not 0 %, on a day without repositories", async () => {
    const points = await coverageTrend(t.db, { access: ORG_WIDE, days: 2, now: ago(200) });
    expect(points.map((p) => [p.repositories, p.pct24h])).toEqual([
      [0, null],
      [0, null],
    ]);
  });
});

describe("the repositories page's framework filter", () => {
  it("lists the repositories whose last successful scan saw the framework, and ignores an unknown one", async () => {
    await repo(t.db, "modal-app", { frameworks: ["modal", "training_monitor"] });
    await repo(t.db, "bento", { frameworks: ["bentoml"] });
    const page = async (framework: string) =>
      (await repositoryPage(t.db, repositoryListParams.parse({ framework, sort: "name" }), await vis())).rows.map((r) => r.name);
    expect(await page("modal")).toEqual(["modal-app"]);
    expect(await page("training_monitor")).toEqual(["modal-app"]);
    expect(await page("bentoml")).toEqual(["bento"]);
    expect(await page("ray_serve")).toEqual([]);
    expect((await page("nonsense")).length).toBeGreaterThan(2);
  });
});
