import type { Metadata } from "next";
import { roleLabel } from "@/lib/auth/guard.ts";
import { listTeamMembers, teamsParams } from "@/lib/auth/teams.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { ActionForm } from "@/app/ui/action-form.tsx";
import { Combobox } from "@/app/ui/combobox/combobox.tsx";
import { DataTable } from "@/app/ui/data-table.tsx";
import { EmptyPanel } from "@/app/ui/empty.tsx";
import { addTeamMember, removeTeamMember } from "../actions.ts";
import { PageHeader } from "@/app/ui/panel.tsx";
import { ListSearch, Pagination, pageHref } from "@/app/ui/pagination.tsx";

export const metadata: Metadata = { title: "Teams · Posture" };

const COLUMN_WIDTHS = ["40%", "20%", "20%", "20%"];

/** Team membership: who sees which repositories (issue 16). Admins manage every team, security leads their own. */
export default async function TeamsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await requirePage("teams:manage", "/admin/teams");
  const db = getDb();
  const params = teamsParams.parse(await searchParams);
  const { rows: teams, total, page, pages } = await listTeamMembers(db, me.access, params);
  const href = (n: number) => pageHref("/admin/teams", { q: params.q }, n);
  return (
    <>
      <PageHeader title="Teams" />
      <p className="muted">
        Engineers, viewers and security leads whose role is not org-wide see only the repositories of their teams: their findings, figures,
        exports and API tokens.
        {me.access.all ? " Whether a role is org-wide is set on the Users page." : " You manage the members of your own teams."}
      </p>
      {total > 0 || params.q ? (
        <ListSearch path="/admin/teams" label="Team name" query={params.q} maxLength={200} total={total} noun="team" />
      ) : null}
      {teams.length === 0 ? (
        params.q ? (
          <EmptyPanel title="No team matches" action={{ href: "/admin/teams", label: "Clear the search" }}>
            No team you manage has that in its name.
          </EmptyPanel>
        ) : (
          <EmptyPanel title="No teams yet">A team is created when a repository is registered into it.</EmptyPanel>
        )
      ) : (
        <div className="stack">
          {teams.map((t) => {
            return (
              <section key={t.id} className="panel" aria-labelledby={`team-${t.id}`}>
                <h2 id={`team-${t.id}`}>
                  {t.name}{" "}
                  <span className="muted small">
                    · {t._count.repositories} repositor{t._count.repositories === 1 ? "y" : "ies"}
                  </span>
                </h2>
                {t.members.length === 0 ? (
                  <p className="muted small">No members: only admins and org-wide roles see this team’s repositories.</p>
                ) : (
                  <DataTable
                    caption={`Members of ${t.name}`}
                    columns={["Member", "Role", "Scope", "Actions"]}
                    rows={t.members}
                    // The same columns in every team's table, so the tables line up down the page.
                    colgroup={COLUMN_WIDTHS.map((w, i) => <col key={i} style={{ width: w }} />)}
                  >
                    {({ user: u }) => (
                      <tr key={u.id}>
                        <td className="wrap-anywhere">
                          <div>{u.name}</div>
                          <div className="muted small">{u.email}</div>
                        </td>
                        <td>{roleLabel(u.role)}</td>
                        <td>{u.role === "admin" || u.orgWide ? "org-wide" : "their teams"}</td>
                        <td>
                          <ActionForm
                            action={removeTeamMember}
                            submit="Remove"
                            className="row-flex"
                            danger
                            fields={{ teamId: t.id, userId: u.id }}
                            confirm={`Remove ${u.email} from ${t.name}?`}
                          />
                        </td>
                      </tr>
                    )}
                  </DataTable>
                )}
                {/* Every active user is a candidate: searched as one types (app/ui/combobox/), not listed per team. */}
                <ActionForm action={addTeamMember} submit="Add member" className="filters" resetOnSuccess fields={{ teamId: t.id }}>
                  <Combobox name="userId" label="User" kind="members" params={{ team: t.id }} placeholder="Choose a user…" />
                </ActionForm>
              </section>
            );
          })}
        </div>
      )}
      <Pagination page={page} pages={pages} href={href} />
    </>
  );
}
