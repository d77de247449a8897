import Link from "next/link";
import { canWithScope } from "@/lib/auth/permissions.ts";
import { SEVERITIES } from "@/lib/engine/types.ts";
import { cataloguePages, filterCatalogue, referenceLink, rulesCatalogue, rulesParams, type RulePolicy } from "@/lib/rules/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { SeverityCell } from "@/app/ui/badges.tsx";
import { DataTable, num, unlabelled } from "@/app/ui/data-table.tsx";
import { EmptyPanel } from "@/app/ui/empty.tsx";
import { fmtDate, fmtInt } from "@/app/ui/format.ts";
import { FRAMEWORK_LABELS, frameworkLabel } from "@/app/ui/palette.ts";
import { CheckToggle } from "@/app/ui/rules/check-toggle.tsx";
import { GenericMessage } from "@/app/ui/rules/generic-message.tsx";
import { Pagination, pageHref } from "@/app/ui/pagination.tsx";
import { SelectField } from "@/app/ui/select-field.tsx";

export default async function RulesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage("findings:read", "/rules");
  const manage = canWithScope(user, "rules:manage");
  const params = rulesParams.parse(await searchParams);
  const all = await rulesCatalogue(getDb(), user.access);
  const policies = filterCatalogue(all, params);
  const filtered = Boolean(params.q || params.framework || params.severity || params.state);
  const pages = cataloguePages(policies);
  const page = Math.min(params.page, pages.length);
  const frameworks = new Map<string, RulePolicy[]>();
  for (const p of pages[page - 1]!) frameworks.set(p.framework, [...(frameworks.get(p.framework) ?? []), p]);
  // Each framework's first page, for the jump links: a framework may start on another page than this one.
  const firstPage = new Map<string, number>();
  pages.forEach((ps, i) => {
    for (const p of ps) if (!firstPage.has(p.framework)) firstPage.set(p.framework, i + 1);
  });
  const href = (n: number) =>
    pageHref("/rules", { q: params.q, framework: params.framework, severity: params.severity, state: params.state }, n);
  const checks = all.flatMap((p) => p.checks);
  const shown = policies.reduce((n, p) => n + p.checks.length, 0);
  const disabled = checks.filter((c) => !c.enabled).length;
  return (
    <>
      <div className="page-header">
        <h1>Rules</h1>
        <span className="muted">
          {all.length} policies · {checks.length} checks{disabled ? ` · ${disabled} disabled org-wide` : ""}
        </span>
      </div>
      <form method="get" action="/rules" className="filters rule-filters" role="search" aria-label="Search the rules">
        <label>
          Text
          <input type="search" name="q" defaultValue={params.q} maxLength={200} placeholder="policy, check id or message" />
        </label>
        <SelectField name="framework" label="Framework" value={params.framework} options={Object.entries(FRAMEWORK_LABELS)} />
        <SelectField name="severity" label="Severity" value={params.severity} options={SEVERITIES} />
        <SelectField
          name="state"
          label="State"
          value={params.state}
          options={[
            ["enabled", "Enabled"],
            ["disabled", "Disabled org-wide"],
          ]}
        />
        <button type="submit">Search</button>
        {filtered ? <Link href="/rules">Clear</Link> : null}
        {filtered ? (
          <span className="muted small" role="status">
            {fmtInt(shown)} of {fmtInt(checks.length)} checks match
          </span>
        ) : null}
      </form>
      {filtered && policies.length === 0 ? (
        <EmptyPanel title="No check matches" action={{ href: "/rules", label: "Clear the search" }}>
          Try fewer words, or another framework or severity.
        </EmptyPanel>
      ) : null}
      {all.length === 0 ? (
        <EmptyPanel title="The rule catalogue is empty">
          The catalogue is loaded from rules/ when a scan worker starts (npm run worker). Start one and reload.
        </EmptyPanel>
      ) : null}
      {manage ? (
        <p className="small muted">
          Disabling a check applies to the whole organisation: scans stop reporting it and its findings are hidden everywhere (kept, and
          shown again if it is re-enabled). Every change is in the audit log.
        </p>
      ) : null}
      <nav className="tabs rule-jump" aria-label="Frameworks">
        {[...firstPage].map(([f, n]) => (
          <a key={f} href={n === page ? `#fw-${f}` : `${href(n)}#fw-${f}`} aria-current={frameworks.has(f) ? "true" : undefined}>
            {frameworkLabel(f)}
          </a>
        ))}
      </nav>
      <Pagination page={page} pages={pages.length} href={href} label="Rule pages" />
      {[...frameworks.entries()].map(([framework, list]) => (
        <section key={framework} id={`fw-${framework}`} className="rules-framework">
          <h2>
            {frameworkLabel(framework)} <span className="muted small">({list.length} policies)</span>
          </h2>
          {list.map((p) => (
            <article key={p.id} className="panel policy" aria-labelledby={`policy-${p.id}`}>
              <header className="policy-head-row">
                <h3 id={`policy-${p.id}`}>{p.title}</h3>
                <span className="badge level">{p.level}</span>
                <span className="refs small">
                  {p.references.map((r) => {
                    const url = referenceLink(r);
                    return url ? (
                      <a key={r} href={url} rel="noreferrer noopener" target="_blank" className="ref">
                        {r}
                      </a>
                    ) : (
                      <span key={r} className="ref">
                        {r}
                      </span>
                    );
                  })}
                </span>
                <span className="spacer" />
                <Link href={`/findings?policy=${encodeURIComponent(p.id)}`} className="small">
                  {fmtInt(p.open)} open
                </Link>
              </header>
              <details>
                <summary className="small">Why it matters and how to fix it</summary>
                <div className="policy-text">
                  <h4>Why</h4>
                  <p>{p.why}</p>
                  <h4>Remediation</h4>
                  <p>{p.remediation}</p>
                </div>
              </details>
              <DataTable
                className="data compact checks"
                columns={["Check", "Severity", "Reports", num("Open"), "State", ...(manage ? [unlabelled("Change")] : [])]}
                rows={p.checks}
              >
                {(c) => (
                  <tr key={c.id} className={c.enabled ? undefined : "disabled-row"}>
                    <td className="mono small wrap-anywhere">{c.id}</td>
                    <SeverityCell severity={c.severity} />
                    <td className="small wrap-anywhere">
                      <GenericMessage template={c.message} />
                    </td>
                    <td className="num">
                      {c.enabled ? (
                        <Link href={`/findings?check=${encodeURIComponent(c.id)}`}>{fmtInt(c.open)}</Link>
                      ) : (
                        <span title="hidden while the check is disabled">{fmtInt(c.open)} hidden</span>
                      )}
                    </td>
                    <td className="small">
                      {c.enabled ? (
                        <span className="success">enabled</span>
                      ) : (
                        <>
                          <span className="error">disabled org-wide</span>
                          {c.disabled ? (
                            <div className="muted disabled-why">
                              {c.disabled.reason ? <>“{c.disabled.reason}”, </> : "no reason recorded, "}
                              {c.disabled.by}, {fmtDate(c.disabled.at)}
                            </div>
                          ) : null}
                        </>
                      )}
                      {c.active ? null : <div className="muted">retired from the rulebook</div>}
                    </td>
                    {manage ? (
                      <td>
                        <CheckToggle checkId={c.id} enabled={c.enabled} open={c.open} />
                      </td>
                    ) : null}
                  </tr>
                )}
              </DataTable>
            </article>
          ))}
        </section>
      ))}
      <Pagination page={page} pages={pages.length} href={href} label="Rule pages, bottom" />
    </>
  );
}
