/**
 * The frameworks a repository can be said to use (lib/repos/frameworks.ts detects them), by their database
 * names, and how the dashboard names them. Apart from the detection so pages and queries need not load it.
 */
import type { Framework as DbFramework } from "../db/client.ts";

/** In the order the dashboard lists them. */
export const USED_FRAMEWORKS = [
  "modal",
  "torchserve",
  "bentoml",
  "ray_serve",
  "training_monitor",
] as const satisfies readonly DbFramework[];
export type UsedFramework = (typeof USED_FRAMEWORKS)[number];

export const USED_FRAMEWORK_LABELS: Record<UsedFramework, string> = {
  modal: "Modal",
  torchserve: "TorchServe",
  bentoml: "BentoML",
  ray_serve: "Ray Serve",
  training_monitor: "Training code",
};
