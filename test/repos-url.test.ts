import { describe, expect, it } from "vitest";
import { parseRepoUrl } from "../lib/repos/url.ts";

describe("repository URLs", () => {
  it("accepts https, ssh and scp-like URLs and derives one identity for spellings of the same repository", () => {
    const a = parseRepoUrl("https://GitHub.com/pytorch/serve.git", false);
    const b = parseRepoUrl("https://github.com/pytorch/serve/", false);
    expect(a.key).toBe(b.key);
    expect(a).toMatchObject({ kind: "https", name: "serve", url: "https://GitHub.com/pytorch/serve.git" });
    expect(parseRepoUrl("ssh://git@github.com/bentoml/BentoML.git", false)).toMatchObject({ kind: "ssh", name: "BentoML" });
    expect(parseRepoUrl("git@github.com:bentoml/BentoML.git", false)).toMatchObject({ kind: "scp", name: "BentoML", key: "ssh://github.com/bentoml/BentoML" });
  });

  it.each([
    ["", /empty/],
    ["ftp://example.com/repo", /unsupported scheme ftp/],
    ["http://example.com/repo", /unsupported scheme http/],
    ["https://user:token@github.com/o/r", /credentials/],
    ["https://github.com/", /no repository path/],
    ["https://github.com/o/r?x=1", /query/],
    ["https://[::1/o/r", /malformed/],
    ["--upload-pack=touch", /cannot start with '-'/],
    ["https://github.com/o/r\nx", /control characters/],
    ["justwords", /not a repository URL/],
    ["a b", /spaces/],
    ["https://127.0.0.1:6379/o/r", /local or private address/],
    ["https://localhost/o/r", /local or private address/],
    ["https://10.0.0.5/o/r", /local or private address/],
    ["git@192.168.1.2:o/r", /local or private address/],
    ["/srv/repos/x", /local repositories are not allowed/],
    ["file:///srv/repos/x", /local repositories are not allowed/],
  ])("refuses %j with a clear reason", (input, reason) => {
    expect(() => parseRepoUrl(input, false)).toThrow(reason);
  });

  it("takes local paths and file:// only when local repositories are allowed", () => {
    expect(parseRepoUrl("/srv/repos/demo.git", true)).toMatchObject({ kind: "local", url: "/srv/repos/demo.git", key: "file:///srv/repos/demo", name: "demo" });
    expect(parseRepoUrl("file:///srv/repos/demo", true).key).toBe("file:///srv/repos/demo");
    expect(parseRepoUrl("https://127.0.0.1:8443/o/r", true).kind).toBe("https");
  });
});
