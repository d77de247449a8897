// GitLab's webhook (Push Hook, Merge Request Hook): verified by X-Gitlab-Token, the connection's secret.
import { hookRoute } from "@/lib/server/hook-route.ts";

export const POST = hookRoute("gitlab");
