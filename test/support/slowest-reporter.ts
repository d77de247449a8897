/**
 * After a run, the slowest test files and tests, so a suite that grows slower shows where in the CI log
 * (`npm test`), not only as a longer total.
 */
import type { Reporter, TestModule } from "vitest/node";

const SHOWN = 10;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1).padStart(6)} s`;
}

export default class SlowestReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (modules.length < 2) return;
    const root = `${process.cwd()}/`;
    const files = modules.map((m) => ({ name: m.moduleId.replace(root, ""), ms: m.diagnostic().duration })).sort((a, b) => b.ms - a.ms);
    const tests = modules
      .flatMap((m) =>
        [...m.children.allTests()].map((t) => ({
          name: `${m.moduleId.replace(root, "")} > ${t.fullName}`,
          ms: t.diagnostic()?.duration ?? 0,
        })),
      )
      .sort((a, b) => b.ms - a.ms);
    const lines = [
      `Slowest test files (tests and hooks):`,
      ...files.slice(0, SHOWN).map((f) => `  ${seconds(f.ms)}  ${f.name}`),
      `Slowest tests:`,
      ...tests.slice(0, SHOWN).map((t) => `  ${seconds(t.ms)}  ${t.name}`),
    ];
    process.stdout.write(`\n${lines.join("\n")}\n`);
  }
}
