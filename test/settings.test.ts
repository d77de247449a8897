import { describe, expect, it } from "vitest";
import { createDb } from "../lib/db/client.ts";
import { getSettings } from "../lib/settings.ts";
import { useTestDatabase } from "./support/db.ts";

const t = useTestDatabase("settings");

describe("settings", () => {
  it("are created once when several processes read them at once on an empty table (two workers starting)", async () => {
    // Separate clients, as separate processes have: each upsert reads, finds nothing, and inserts.
    const clients = Array.from({ length: 6 }, () => createDb(t.url, { max: 1 }));
    try {
      const all = await Promise.all(clients.map((db) => getSettings(db)));
      expect(new Set(all.map((s) => s.id))).toEqual(new Set([1]));
      expect(await t.db.settings.count()).toBe(1);
    } finally {
      await Promise.all(clients.map((db) => db.$disconnect()));
    }
  });
});
