import { Fragment } from "react";

/** What a message variable stands for, as a reader would say it before any match fills it in. */
const WORDS: Record<string, string> = {
  ACTION: "an action",
  ADVISORY: "an advisory",
  ADVISORY_SEVERITY: "its severity",
  AFFECTED: "the affected versions",
  CALL: "a call",
  CLIENT: "a client",
  DECLARED: "the declared version",
  DELAY: "a delay",
  DEPENDENCY: "a package",
  FIXED: "a fixed version",
  FLAG: "a flag",
  FN: "a function",
  GLOBALS: "globals",
  GW: "a gateway",
  HOST: "a host",
  HOSTPATH: "a host path",
  IMAGE: "an image",
  IN: "an input",
  K: "a key",
  KEY: "a key",
  LAYERS: "layers",
  LOADER: "a loader",
  MAR: "a model archive",
  MAX: "a limit",
  MODEL: "a model",
  NAME: "a name",
  NS: "its namespace",
  PACKAGE: "a package",
  PARAM: "a parameter",
  PAT: "a pattern",
  PATH: "a path",
  PKG: "a package",
  PORT: "a port",
  R: "the app",
  READ: "a read",
  REPO: "a repository",
  ROUTE: "a route",
  SECRET: "a secret",
  SINK: "a call",
  SOURCE: "a request field",
  SUMMARY: "its summary",
  SVC: "a service",
  TOOL: "a tool",
  URL: "a URL",
  USER: "a user",
  VALUE: "a value",
  VAR: "a variable",
  VERSION: "a version",
  WHAT: "something",
  X: "something",
  SOURCE_LINE: "N",
  SINK_LINE: "N",
};
/** Suffixes a match adds ("via helper()", how an app is launched): nothing to say before there is a match. */
const SILENT = new Set(["VIA", "HOW", "MORE"]);

/**
 * A check's message template in a generic form for the rules page: `{{PKG}}` reads "a package" (set apart
 * as a placeholder), never the raw variable.
 */
export function GenericMessage({ template }: { template: string }) {
  const parts = template.split(/(\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\})/);
  return (
    <>
      {parts.map((part, i) => {
        const name = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(part)?.[1];
        if (!name) return <Fragment key={i}>{part}</Fragment>;
        if (SILENT.has(name.toUpperCase())) return null;
        let word = WORDS[name.toUpperCase()] ?? "…";
        // A sentence that starts with the variable starts with a capital.
        if (parts.slice(0, i).join("").trim() === "") word = word[0]!.toUpperCase() + word.slice(1);
        return (
          <em key={i} className="placeholder">
            {word}
          </em>
        );
      })}
    </>
  );
}
