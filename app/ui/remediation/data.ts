import "server-only";
import { cache } from "react";
import { acceptedRisks, type RemediationParams, scopeOf, slaView, statusBreakdown } from "@/lib/dashboard/remediation.ts";
import { openTrend } from "@/lib/dashboard/trends.ts";
import { getDb, sharedView } from "@/lib/server/context.ts";
import { requestVisibility } from "@/lib/server/session.ts";

/** The reader's visibility, scope included (lib/findings/visibility.ts), once per request. */
export const visible = requestVisibility;

/**
 * The remediation panels' figures, from the shared dashboard cache (lib/dashboard/cache.ts) as the overview's
 * are: keyed by the panel, the team or repository chosen and whose figures they are, so ten leads opening the
 * page after a rescan count each once (issue 17 §3).
 */
async function shared<T>(panel: string, params: RemediationParams, run: () => Promise<T>, dates = false): Promise<T> {
  return sharedView(`remediation:${panel}`, { team: params.team, repository: params.repository }, await visible(), run, { dates });
}

/** The SLA summary and the due list share one call. */
export const sla = cache(async (params: RemediationParams) =>
  shared("sla", params, async () => slaView(getDb(), { ...scopeOf(params), visibility: await visible() }), true),
);

export const statusRows = cache(async (params: RemediationParams, limit: number) =>
  shared(`status:${limit}`, params, async () => statusBreakdown(getDb(), { ...scopeOf(params), limit, visibility: await visible() })),
);

export const burndown = cache(async (params: RemediationParams) =>
  shared(`burndown:${params.range}`, params, async () =>
    openTrend(getDb(), { days: params.range, ...scopeOf(params), visibility: await visible(), reusePast: true }),
  ),
);

export const risks = cache(async (params: RemediationParams) =>
  shared("accepted", params, async () => acceptedRisks(getDb(), { ...scopeOf(params), visibility: await visible() }), true),
);
