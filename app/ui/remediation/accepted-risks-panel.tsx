import "server-only";
import { acceptedRisks, type RemediationParams, scopeOf } from "@/lib/dashboard/remediation.ts";
import { getDb } from "@/lib/server/context.ts";
import { AcceptedPanel } from "./accepted-panel.tsx";
import { visible } from "./data.ts";
import { ReturnedPanel } from "./returned-panel.tsx";

/** Accepted risks and the acceptances that expired, side by side, from one query. */
export async function AcceptedRisksPanel({ params }: { params: RemediationParams }) {
  const risks = await acceptedRisks(getDb(), { ...scopeOf(params), visibility: await visible() });
  return (
    <div className="grid wide-2">
      <AcceptedPanel risks={risks} params={params} now={Date.now()} />
      <ReturnedPanel risks={risks} />
    </div>
  );
}
