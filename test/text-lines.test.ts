import { describe, expect, it } from "vitest";
import { textLines } from "../lib/engine/logical-lines.ts";

describe("textLines", () => {
  it("keeps a plain-text file's lines as they are", () => {
    expect(textLines("run.sh", "a\r\nb\n")).toEqual(["a", "b", ""]);
  });

  it("reads a Markdown file's code only, at the file's line numbers and columns", () => {
    const md = [
      "The container starts Ray with --dashboard-host=0.0.0.0 to allow scraping.",
      "```sh",
      "ray start --head --dashboard-host=0.0.0.0",
      "```",
      "- a list item, then `docker run -p 8081:8081 img` and ``a `tick` -x span``, not `vllm serve` or `--host`",
      "    ~~~bash",
      "    docker run -p 8081:8081 img",
      "    ```not a close of a tilde fence",
      "    ~~~",
      "docker run -itd -p 8081:8081 img",
      "then the server is started with -p as shown.",
      "````",
      "unclosed",
    ].join("\n");
    expect(textLines("docs/GUIDE.md", md)).toEqual([
      "",
      "",
      "ray start --head --dashboard-host=0.0.0.0",
      "",
      `${" ".repeat(21)}docker run -p 8081:8081 img${" ".repeat(8)}a \`tick\` -x span${" ".repeat(32)}`,
      "",
      "    docker run -p 8081:8081 img",
      "    ```not a close of a tilde fence",
      "",
      // a bare command line outside a fence (a README whose fences do not balance)
      "docker run -itd -p 8081:8081 img",
      // a wrapped sentence that names an option reads as one: the checks' own patterns decide
      "then the server is started with -p as shown.",
      "",
      "unclosed",
    ]);
  });

  it("reads a powershell block's backtick continuations as a shell's backslashes", () => {
    const md = ["```powershell", "mlflow server `", "  --host 0.0.0.0 `", "  --port 5000", "```", "```sh", "echo `date`", "```"].join("\n");
    expect(textLines("README.md", md)).toEqual(["", "mlflow server \\", "  --host 0.0.0.0 \\", "  --port 5000", "", "", "echo `date`", ""]);
  });
});
