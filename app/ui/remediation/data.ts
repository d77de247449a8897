import "server-only";
import { cache } from "react";
import { type RemediationParams, scopeOf, slaView } from "@/lib/dashboard/remediation.ts";
import { getDb } from "@/lib/server/context.ts";
import { requestVisibility } from "@/lib/server/session.ts";

/** The reader's visibility, scope included (lib/findings/visibility.ts), once per request. */
export const visible = requestVisibility;

/** The SLA summary and the due list share one call. */
export const sla = cache(async (params: RemediationParams) => slaView(getDb(), { ...scopeOf(params), visibility: await visible() }));
