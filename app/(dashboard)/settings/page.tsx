import type { Metadata } from "next";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { getSettings } from "@/lib/settings.ts";
import { ALWAYS_COUNTED_CONTEXTS, CONTEXT_LABELS, OPTIONAL_CONTEXTS } from "@/lib/findings/contexts.ts";
import { countedContexts } from "@/lib/findings/visibility.ts";
import { ActionForm } from "@/app/ui/action-form.tsx";
import { ScheduleFields } from "@/app/ui/settings/schedule-fields.tsx";
import { updateExceptionSettings, updateSettings } from "../admin/actions.ts";
import { updateSuppressionSettings } from "../suppressions/actions.ts";
import { PageHeader } from "@/app/ui/panel.tsx";
import { CheckboxFieldset } from "@/app/ui/select-field.tsx";

export const metadata: Metadata = { title: "Settings · Posture" };

const SLA = [
  ["slaCriticalDays", "Critical"],
  ["slaHighDays", "High"],
  ["slaMediumDays", "Medium"],
  ["slaLowDays", "Low"],
] as const;

const RISK_MAX = [
  ["riskMaxCriticalDays", "Critical"],
  ["riskMaxHighDays", "High"],
  ["riskMaxMediumDays", "Medium"],
  ["riskMaxLowDays", "Low"],
] as const;
const SEVERITIES = ["critical", "high", "medium", "low"] as const;

const SEVERITY_OPTIONS = SEVERITIES.map((sev) => [sev, sev] as const);

/** A setting that lists severities: one checkbox each, the saved ones ticked. */
function SeverityChoice({ legend, name, checked }: { legend: string; name: string; checked: readonly string[] }) {
  return (
    <CheckboxFieldset
      legend={legend}
      name={name}
      options={SEVERITY_OPTIONS}
      checked={checked}
      className="filters"
      labelClassName="check-row"
    />
  );
}

export default async function SettingsPage() {
  await requirePage("settings:manage", "/settings");
  const s = await getSettings(getDb());
  const counted = countedContexts(s);
  return (
    <>
      <PageHeader title="Settings" />
      <ActionForm action={updateSettings} submit="Save settings" className="stack">
        <section className="panel">
          <h2>Remediation SLA</h2>
          <p className="muted small">
            Days from first detection until a finding is overdue. Changing a value moves the due dates of findings still open.
          </p>
          <div className="filters">
            {SLA.map(([name, label]) => (
              <label key={name}>
                {label} (days)
                <input name={name} type="number" min={1} max={3650} required defaultValue={s[name]} />
              </label>
            ))}
          </div>
        </section>
        <section className="panel">
          <h2>What the posture counts</h2>
          <p className="muted small">
            Every finding has a code context from its path and content. The posture score, grades, SLA and overdue figures, overview,
            trends, heatmap and remediation count {ALWAYS_COUNTED_CONTEXTS.map((c) => CONTEXT_LABELS[c].toLowerCase()).join(" and ")} code
            always; the others only when ticked here. The findings table shows the counted ones by default and every context on request.
          </p>
          <div className="filters" role="group" aria-label="Also count findings in">
            {OPTIONAL_CONTEXTS.map((c) => (
              <label key={c} className="check-row">
                <input name="countedContexts" type="checkbox" value={c} defaultChecked={counted.includes(c)} /> Count findings in{" "}
                {CONTEXT_LABELS[c]} code
              </label>
            ))}
          </div>
        </section>
        <section className="panel">
          <h2>Org-wide rescan schedule</h2>
          <ScheduleFields enabled={s.scheduleEnabled} cron={s.scheduleCron} timezone={s.scheduleTimezone} />
        </section>
      </ActionForm>
      <ActionForm action={updateExceptionSettings} submit="Save exception rules" className="stack" successMessage="Saved.">
        <section className="panel" style={{ marginTop: 16 }}>
          <h2>Accepted risks and false positives</h2>
          <p className="muted small">
            For the severities ticked, an engineer’s request waits for an approver (an admin, or a security lead of the repository’s team)
            and the finding keeps counting as open meanwhile. An accepted risk runs at most the days below; when it ends the finding
            reopens.
          </p>
          <div className="filters">
            {RISK_MAX.map(([name, label]) => (
              <label key={name}>
                {label}: accept for at most (days)
                <input name={name} type="number" min={1} max={3650} required defaultValue={s[name]} />
              </label>
            ))}
          </div>
          <SeverityChoice legend="Accepted risk needs approval for" name="approveAcceptedRisk" checked={s.approveAcceptedRisk} />
          <SeverityChoice legend="False positive needs approval for" name="approveFalsePositive" checked={s.approveFalsePositive} />
          <label className="check-row">
            <input name="riskExpiryRestartsSla" type="checkbox" defaultChecked={s.riskExpiryRestartsSla} /> When an acceptance ends, the
            reopened finding gets a new SLA from that day (otherwise it keeps its due date from first detection, and is usually overdue at
            once)
          </label>
        </section>
      </ActionForm>
      <ActionForm action={updateSuppressionSettings} submit="Save suppression rules" className="stack" successMessage="Saved.">
        <section className="panel" style={{ marginTop: 16 }}>
          <h2>Suppressions in code</h2>
          <p className="muted small">
            A <code># posture: ignore[check] reason</code> comment hides its finding. For the severities ticked, scans do not honour it: the
            finding stays open, and the Suppressions page marks the comment “not honoured”. Applies from each repository’s next scan.
          </p>
          <SeverityChoice legend="Do not honour suppressions of" name="refuseSuppressions" checked={s.refuseSuppressions} />
        </section>
      </ActionForm>
    </>
  );
}
