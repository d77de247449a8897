import { parentPort, workerData } from "node:worker_threads";
import { compileChecks } from "./match.ts";
import type { Check } from "./rulebook.ts";
import { scanFile } from "./scan-file.ts";
import type { WalkedFile } from "./walk.ts";

const rulebook = compileChecks(workerData.checks as Check[]);

parentPort!.on("message", (batch: WalkedFile[]) => {
  parentPort!.postMessage(batch.map((f) => scanFile(rulebook, f)));
});
parentPort!.postMessage("ready");
