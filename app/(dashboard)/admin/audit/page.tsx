import type { Metadata } from "next";
import Link from "next/link";
import { auditFilters, listAudit, type AuditFilters } from "@/lib/audit.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { DataTable } from "@/app/ui/data-table.tsx";
import { fmtDateTime } from "@/app/ui/format.ts";
import { SelectField } from "@/app/ui/select-field.tsx";
import { PageHeader } from "@/app/ui/panel.tsx";

export const metadata: Metadata = { title: "Audit log · Posture" };

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v || undefined;
}

function pageHref(f: AuditFilters, page: number): string {
  const q = new URLSearchParams();
  for (const k of ["actor", "action", "target", "from", "to"] as const) if (f[k]) q.set(k, f[k]!);
  if (page > 1) q.set("page", String(page));
  return `/admin/audit${q.size ? `?${q}` : ""}`;
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <pre className="wrap-anywhere small" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
      {JSON.stringify(value, null, 1)}
    </pre>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage("audit:read", "/admin/audit");
  const raw = await searchParams;
  const f = auditFilters.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, first(v)])));
  const { rows, hasMore, actions } = await listAudit(getDb(), f);
  return (
    <>
      <PageHeader title="Audit log" />
      <form className="filters panel" method="get" role="search" aria-label="Filter the audit log">
        <label>
          Actor
          <input name="actor" defaultValue={f.actor} placeholder="email or token" />
        </label>
        <SelectField name="action" label="Action" value={f.action} options={actions} any="any" />
        <label>
          Target (type or id)
          <input name="target" defaultValue={f.target} />
        </label>
        <label>
          From
          <input name="from" type="date" defaultValue={f.from} />
        </label>
        <label>
          To
          <input name="to" type="date" defaultValue={f.to} />
        </label>
        <button type="submit">Filter</button>
        <Link href="/admin/audit">Clear</Link>
      </form>
      <section className="panel" style={{ marginTop: 16 }}>
        <DataTable
          caption="Audit entries, newest first"
          columns={["Time", "Actor", "IP", "Action", "Target", "Before", "After"]}
          rows={rows}
          empty="No entries match."
        >
          {(r) => (
            <tr key={r.id}>
              <td style={{ whiteSpace: "nowrap" }}>{fmtDateTime(r.createdAt)}</td>
              <td className="wrap-anywhere">{r.actorLabel}</td>
              <td>{r.ip ?? "—"}</td>
              <td>
                <code>{r.action}</code>
              </td>
              <td className="wrap-anywhere">
                {r.targetType}
                {r.targetId ? <div className="muted small">{r.targetId}</div> : null}
              </td>
              <td style={{ maxWidth: 320 }}>
                <Json value={r.before} />
              </td>
              <td style={{ maxWidth: 320 }}>
                <Json value={r.after} />
              </td>
            </tr>
          )}
        </DataTable>
        <nav className="pagination" aria-label="Pages">
          {f.page > 1 ? <Link href={pageHref(f, f.page - 1)}>← Newer</Link> : null}
          <span className="muted">Page {f.page}</span>
          {hasMore ? <Link href={pageHref(f, f.page + 1)}>Older →</Link> : null}
        </nav>
      </section>
    </>
  );
}
