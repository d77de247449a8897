import { describe, expect, it } from "vitest";
import { formatTeamRules, parseTeamRules, selectionInput, selectRepositories, teamFor } from "../../lib/connections/selection.ts";
import type { ForgeRepository } from "../../lib/forge/types.ts";

const repo = (name: string, o: Partial<ForgeRepository> = {}): ForgeRepository => ({
  forge: "github",
  id: name,
  fullName: `acme/${name}`,
  name,
  httpsUrl: `https://github.com/acme/${name}.git`,
  sshUrl: `git@github.com:acme/${name}.git`,
  webUrl: `https://github.com/acme/${name}`,
  defaultBranch: "main",
  archived: false,
  fork: false,
  topics: [],
  visibility: "private",
  ...o,
});

const all = [
  repo("ml-serve", { topics: ["ml", "Serving"] }),
  repo("ml-train", { topics: ["ml"] }),
  repo("old-api", { archived: true, topics: ["ml"] }),
  repo("fork-of-bento", { fork: true }),
  repo("website"),
  repo("empty-one", { defaultBranch: null }),
];

const names = (r: ForgeRepository[]) => r.map((x) => x.name);

describe("repository selection", () => {
  it("skips archived repositories and forks by default, and says why for each skipped one", () => {
    const s = selectionInput.parse({ defaultTeam: "platform" });
    const { selected, skipped } = selectRepositories(all, s);
    expect(names(selected)).toEqual(["ml-serve", "ml-train", "website"]);
    expect(skipped.map((x) => [x.repository.name, x.reason])).toEqual([
      ["old-api", "archived"],
      ["fork-of-bento", "fork"],
      ["empty-one", "empty"],
    ]);
  });

  it("takes archived repositories and forks when asked, and filters by topic (case-insensitive)", () => {
    expect(
      names(selectRepositories(all, selectionInput.parse({ defaultTeam: "p", skipArchived: false, skipForks: false })).selected),
    ).toEqual(["ml-serve", "ml-train", "old-api", "fork-of-bento", "website"]);
    expect(names(selectRepositories(all, selectionInput.parse({ defaultTeam: "p", topics: ["SERVING"] })).selected)).toEqual(["ml-serve"]);
  });

  it("matches name patterns against the name or owner/name, with exclusions", () => {
    const s = (namePattern: string) => selectionInput.parse({ defaultTeam: "p", namePattern });
    expect(names(selectRepositories(all, s("ml-*")).selected)).toEqual(["ml-serve", "ml-train"]);
    expect(names(selectRepositories(all, s("acme/ml-*, !*-train")).selected)).toEqual(["ml-serve"]);
    expect(names(selectRepositories(all, s("!website")).selected)).toEqual(["ml-serve", "ml-train"]);
    expect(selectionInput.safeParse({ defaultTeam: "p", namePattern: "ml-$(x)" }).success).toBe(false);
  });

  it("maps teams by the first matching rule, else the default team", () => {
    const s = selectionInput.parse({
      defaultTeam: "platform",
      teamRules: [
        { by: "topic", value: "serving", team: "serving-team" },
        { by: "prefix", value: "ML-", team: "ml-team" },
      ],
    });
    expect(all.map((r) => teamFor(r, s))).toEqual(["serving-team", "ml-team", "platform", "platform", "platform", "platform"]);
  });

  it("reads team rules one a line and writes them back the same way", () => {
    const { rules, error } = parseTeamRules("# teams\ntopic: serving = Serving team\n\nprefix:ml- = ML\n");
    expect(error).toBeNull();
    expect(rules).toEqual([
      { by: "topic", value: "serving", team: "Serving team" },
      { by: "prefix", value: "ml-", team: "ML" },
    ]);
    expect(parseTeamRules(formatTeamRules(rules)).rules).toEqual(rules);
    expect(parseTeamRules("owner:x = y").error).toBe("team rules, line 1: write topic:<topic> = <team> or prefix:<prefix> = <team>");
  });
});
