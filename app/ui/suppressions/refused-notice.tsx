import Link from "next/link";
import { refusedSuppressionOf } from "@/lib/suppressions/queries.ts";
import { getDb } from "@/lib/server/context.ts";

/** On a finding's page: the code suppresses it, but the settings do not honour suppressions of its severity. */
export async function RefusedSuppressionNotice({ repositoryId, fingerprint }: { repositoryId: string; fingerprint: string }) {
  const s = await refusedSuppressionOf(getDb(), { repositoryId, fingerprint });
  if (!s) return null;
  return (
    <p className="notice">
      The code suppresses this finding{s.line ? ` (line ${s.line}` : ""}
      {s.line ? (s.authorName ? `, by ${s.authorName})` : ")") : ""}
      {s.reason ? `: “${s.reason}”` : ", without a reason"}. The settings do not honour suppressions of its severity, so it stays open (
      <Link href="/suppressions?honoured=no">suppressions not honoured</Link>).
    </p>
  );
}
