// Worker threads start without the parent's TypeScript loader in every host (vitest, plain node), so register it here.
import { register } from "tsx/esm/api";

register();
await import("./scan-worker.ts");
