// Builds the CLI bundle bin/posture runs for scan, rules and --version: node bin/build-cli.mjs <root> <outfile>.
// Loading TypeScript through the tsx loader costs more start-up than a typical scan of a repository, so those
// commands run from one prebuilt file of lib/. Written to a temporary name and renamed, so a concurrent
// `posture` never runs half a bundle.
import { mkdirSync, readFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, relative } from "node:path";

const [root, out] = process.argv.slice(2);
if (!root || !out) {
  console.error("usage: node bin/build-cli.mjs <checkout> <outfile>");
  process.exit(2);
}
const esbuild = createRequire(`${root}/package.json`)("esbuild");
const tmp = `${out}.${process.pid}.tmp`;
mkdirSync(dirname(out), { recursive: true });
await esbuild.build({
  stdin: {
    contents: 'import { main } from "./lib/cli/main.ts"; await main();',
    resolveDir: root,
    sourcefile: "posture-cli.ts",
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: tmp,
  logLevel: "silent",
  // Dependencies are bundled too (resolving and loading hundreds of module files costs start-up); only the
  // native ast-grep packages stay outside. CommonJS dependencies get a real require for Node built-ins.
  external: ["@ast-grep/*"],
  banner: { js: 'import { createRequire as __postureRequire } from "node:module"; const require = __postureRequire(import.meta.url);' },
  plugins: [
    {
      name: "posture",
      setup(b) {
        // Commands behind a dynamic import (database, demo) stay out of the bundle: they run through tsx.
        b.onResolve({ filter: /.*/ }, (a) => (a.kind === "dynamic-import" ? { path: a.path, external: true } : undefined));
        // Each module keeps its own import.meta.url (rules/ and package.json are found relative to it).
        b.onLoad({ filter: /\.ts$/ }, (a) => ({
          loader: "ts",
          contents: readFileSync(a.path, "utf8").replaceAll(
            "import.meta.url",
            `new URL(${JSON.stringify(relative(dirname(out), a.path))}, import.meta.url).href`,
          ),
        }));
      },
    },
  ],
});
renameSync(tmp, out);
