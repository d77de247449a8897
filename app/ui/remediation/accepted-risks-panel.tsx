import "server-only";
import type { RemediationParams } from "@/lib/dashboard/remediation.ts";
import { AcceptedPanel } from "./accepted-panel.tsx";
import { risks } from "./data.ts";
import { ReturnedPanel } from "./returned-panel.tsx";

/** Accepted risks and the acceptances that expired, side by side, from one query. */
export async function AcceptedRisksPanel({ params }: { params: RemediationParams }) {
  const accepted = await risks(params);
  return (
    <div className="grid wide-2">
      <AcceptedPanel risks={accepted} params={params} now={Date.now()} />
      <ReturnedPanel risks={accepted} />
    </div>
  );
}
