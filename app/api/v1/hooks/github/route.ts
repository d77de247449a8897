// GitHub's webhook (push, pull_request, ping): verified by X-Hub-Signature-256 with the connection's secret.
import { hookRoute } from "@/lib/server/hook-route.ts";

export const POST = hookRoute("github");
