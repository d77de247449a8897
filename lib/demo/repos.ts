/**
 * The demo organisation: its people and teams, its eight small ML-serving repositories (written for the demo,
 * each a script of commits over eight weeks: insecure first versions, fixes, a regression that brings a fixed
 * finding back, a new problem introduced late), and the triage a security team would have done along the way.
 *
 * The repositories' files and histories are data under repositories/ (lib/demo/content.ts reads them);
 * lib/demo/seed.ts turns everything into git repositories, scans and triage.
 * Days count from the start of the demo history (eight weeks before the seeding); fractions are times of day.
 */
import { type DemoRepo, loadDemoRepo } from "./content.ts";

export const DEMO_DAYS = 56;

/** Demo people: a key, the part of the email before @, a display name, and a role. */
export const DEMO_USERS = [
  // Team-scoped (issue 16): the engineers see only their teams' repositories; the lead (who also keeps the
  // org's settings and rules) and the viewer (an auditor) are org-wide.
  {
    key: "lead",
    local: "lead",
    name: "Sam Okafor",
    role: "security_lead",
    teams: ["ml-platform", "search", "vision", "llm-apps"],
    orgWide: true,
  },
  { key: "engineer", local: "engineer", name: "Priya Raman", role: "engineer", teams: ["llm-apps", "ml-platform"], orgWide: false },
  { key: "vision", local: "marco", name: "Marco Bianchi", role: "engineer", teams: ["vision"], orgWide: false },
  { key: "search", local: "yuki", name: "Yuki Tanaka", role: "engineer", teams: ["search"], orgWide: false },
  { key: "viewer", local: "viewer", name: "Alex Morgan", role: "viewer", teams: [] as string[], orgWide: true },
] as const;
export type DemoUserKey = (typeof DEMO_USERS)[number]["key"];
export const DEMO_EMAIL_DOMAIN = "demo.posture.local";
export const DEMO_TEAMS = ["ml-platform", "search", "vision", "llm-apps"] as const;

/**
 * A triage step, applied at its day through lib/findings/triage.ts. The finding is the first one still tracked
 * (not fixed) in `repo` from `check`, optionally in `path`.
 */
export interface DemoTriage {
  day: number;
  by: DemoUserKey;
  repo: string;
  check: string;
  path?: string;
  status?: "in_progress" | "false_positive" | "accepted_risk" | "open";
  reason?: string;
  /** Accepted risk: days from the real "now" (the expiry must lie in the future). */
  acceptedForDays?: number;
  assign?: DemoUserKey | null;
  comment?: string;
}

/**
 * In registration order (the seeding registers and replays them in this order): a Modal LLM app, a Modal batch
 * job, a TorchServe deployment and its handlers, a BentoML 1.x service and a new-SDK gateway, a Ray Serve graph,
 * and the fine-tuning jobs with the dashboard that watches them.
 */
export const DEMO_REPOS: readonly DemoRepo[] = [
  "support-assistant-llm",
  "catalog-embeddings",
  "product-image-classifier",
  "torchserve-handlers",
  "fraud-scoring-bento",
  "llm-gateway-bento",
  "recsys-ray-serve",
  "llm-finetune-monitor",
].map((name) => loadDemoRepo(name));

/** What the security team did along the way. */
export const DEMO_TRIAGE: readonly DemoTriage[] = [
  {
    day: 4.7,
    by: "lead",
    repo: "product-image-classifier",
    check: "torchserve.management.public-bind",
    assign: "vision",
    comment: "Management API on 0.0.0.0 lets anyone on the cluster network register models. Please bind it to localhost this sprint.",
  },
  {
    day: 5.5,
    by: "lead",
    repo: "support-assistant-llm",
    check: "modal.function.trust-remote-code",
    assign: "engineer",
    comment: "trust_remote_code=True runs whatever Python the model repo ships. Mistral does not need it.",
  },
  {
    day: 6.4,
    by: "lead",
    repo: "torchserve-handlers",
    check: "torchserve.handler.request-deserialization",
    assign: "vision",
    status: "in_progress",
    comment: "Unpickling request bodies is remote code execution for anyone who can reach the inference port.",
  },
  {
    day: 9.5,
    by: "engineer",
    repo: "support-assistant-llm",
    check: "modal.function.trust-remote-code",
    status: "in_progress",
    comment: "Checking whether the tokenizer still loads without it.",
  },
  {
    day: 12.6,
    by: "lead",
    repo: "llm-finetune-monitor",
    check: "training-monitor.path.dotdot-literal",
    path: "tests/test_monitor.py",
    status: "false_positive",
    reason: "Test fixture: the ../ paths are the attack the test proves is rejected; the file never ships in the image.",
  },
  {
    day: 13.5,
    by: "lead",
    repo: "recsys-ray-serve",
    check: "ray-serve.config.public-bind",
    status: "accepted_risk",
    acceptedForDays: 45,
    reason:
      "The Serve proxy only listens inside the search namespace; a NetworkPolicy admits the feed API pods only. Revisit when the ingress moves to the mesh.",
  },
  {
    day: 18.6,
    by: "lead",
    repo: "fraud-scoring-bento",
    check: "bentoml.runner.pickle-deserialization",
    assign: "engineer",
    comment: "joblib.load unpickles whatever is in the model store. Can we export the model to ONNX or LightGBM's text format?",
  },
  {
    day: 22.4,
    by: "search",
    repo: "catalog-embeddings",
    check: "modal.image.copies-whole-project",
    status: "in_progress",
    comment: "Moving to add_local_dir with an ignore list.",
  },
  {
    day: 27.3,
    by: "lead",
    repo: "llm-gateway-bento",
    check: "bentoml.api.cors-allow-all-origins",
    assign: "engineer",
    comment: "Only the docs site and the support console call this from a browser.",
  },
  {
    day: 30.5,
    by: "lead",
    repo: "llm-finetune-monitor",
    check: "training-monitor.path.request-data",
    assign: "engineer",
    comment: "send_file with a user-supplied name lets anyone download /etc/passwd from the training node.",
  },
  {
    day: 31.4,
    by: "lead",
    repo: "torchserve-handlers",
    check: "torchserve.handler.request-path-traversal",
    assign: "vision",
    comment:
      "The file name comes straight from the request body, so ../../etc/passwd reads outside SPEC_ROOT. Keep only the base name, or resolve the path and check it stays under SPEC_ROOT.",
  },
  {
    day: 35.4,
    by: "lead",
    repo: "fraud-scoring-bento",
    check: "bentoml.config.cors-allow-all-origins",
    assign: "engineer",
    comment: "This came back with the partner hotfix. Can we list the partner domains instead of *?",
  },
  {
    day: 36.5,
    by: "engineer",
    repo: "fraud-scoring-bento",
    check: "bentoml.config.cors-allow-all-origins",
    status: "in_progress",
    comment: "Collecting the partner domains from account management.",
  },
  // Issue 16 §2: a critical finding's acceptance asked for by an engineer waits for the lead's approval.
  {
    day: 38.2,
    by: "engineer",
    repo: "support-assistant-llm",
    check: "modal.function.trust-remote-code",
    status: "accepted_risk",
    acceptedForDays: 30,
    reason: "The tokenizer still needs the custom code until the v0.3 release; the model repo is pinned to a reviewed commit.",
  },
  {
    day: 44.6,
    by: "lead",
    repo: "recsys-ray-serve",
    check: "ray-serve.deployment.pickle-model-load",
    assign: "search",
    comment: "The pickled index is back (rollback on the 43rd day). Let's get faiss memory sorted and remove pickle again.",
  },
];
