import type { Metadata } from "next";
import { roleLabel } from "@/lib/auth/guard.ts";
import { listUsers, ROLES, usersParams } from "@/lib/auth/users.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { ActionForm } from "@/app/ui/action-form.tsx";
import { DataTable, num } from "@/app/ui/data-table.tsx";
import { fmtDate } from "@/app/ui/format.ts";
import { ListSearch, Pagination, pageHref } from "@/app/ui/pagination.tsx";
import { changeRole, createUser, resetPassword, setDisabled, setOrgWide } from "../actions.ts";
import { PageHeader, Panel } from "@/app/ui/panel.tsx";
import { ReplaceSecretAction } from "@/app/ui/row-actions.tsx";

export const metadata: Metadata = { title: "Users · Posture" };

function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {roleLabel(r)}
    </option>
  ));
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await requirePage("users:manage", "/admin/users");
  const params = usersParams.parse(await searchParams);
  const { rows: users, total, page, pages } = await listUsers(getDb(), params);
  const href = (n: number) => pageHref("/admin/users", { q: params.q }, n);
  return (
    <>
      <PageHeader title="Users" />
      <Panel id="new-user" title="Add a user">
        <ActionForm
          action={createUser}
          submit="Create user"
          successMessage="User created."
          reveal={{ key: "password", label: "Their password" }}
          className="filters"
        >
          <label>
            Email
            <input name="email" type="email" required maxLength={254} />
          </label>
          <label>
            Name
            <input name="name" maxLength={120} />
          </label>
          <label>
            Role
            <select name="role" defaultValue="engineer">
              <RoleOptions />
            </select>
          </label>
          <label className="checkbox">
            <input type="checkbox" name="orgWide" /> Org-wide (otherwise only their teams’ repositories)
          </label>
        </ActionForm>
        <p className="muted small">A password is generated and shown once; give it to the person over a channel you trust.</p>
      </Panel>
      <section className="panel" style={{ marginTop: 16 }}>
        <ListSearch path="/admin/users" label="Email or name" query={params.q} maxLength={254} total={total} noun="user" />
        <DataTable
          caption="Users"
          columns={["User", "Role", "Scope", "Status", num("Sessions"), num("Tokens"), "Created", "Actions"]}
          rows={users}
        >
          {(u) => (
            <tr key={u.id}>
              <td className="wrap-anywhere">
                <div>{u.name}</div>
                <div className="muted small">{u.email}</div>
              </td>
              <td>
                <ActionForm action={changeRole} submit="Change" className="row-flex" fields={{ userId: u.id }}>
                  <select name="role" defaultValue={u.role} aria-label={`Role of ${u.email}`}>
                    <RoleOptions />
                  </select>
                </ActionForm>
              </td>
              <td>
                {u.role === "admin" ? (
                  "org-wide"
                ) : (
                  <ActionForm
                    action={setOrgWide}
                    submit={u.orgWide ? "Limit to teams" : "Make org-wide"}
                    className="stack"
                    fields={{ userId: u.id, orgWide: u.orgWide ? "false" : "true" }}
                  >
                    <span>{u.orgWide ? "org-wide" : u.teams.length ? u.teams.map((t) => t.team.name).join(", ") : "no team"}</span>
                  </ActionForm>
                )}
              </td>
              <td>{u.disabledAt ? <span className="error">disabled {fmtDate(u.disabledAt)}</span> : "active"}</td>
              <td className="num">{u._count.sessions}</td>
              <td className="num">{u._count.apiTokens}</td>
              <td>{fmtDate(u.createdAt)}</td>
              <td>
                <div className="stack">
                  {u.id === me.id ? null : (
                    <ActionForm
                      action={setDisabled}
                      submit={u.disabledAt ? "Enable" : "Disable"}
                      className="row-flex"
                      danger={!u.disabledAt}
                      fields={{ userId: u.id, disabled: u.disabledAt ? "false" : "true" }}
                      confirm={u.disabledAt ? undefined : `Disable ${u.email}? Their sessions and API tokens stop working.`}
                    />
                  )}
                  <ReplaceSecretAction
                    action={resetPassword}
                    submit="Reset password"
                    fields={{ userId: u.id }}
                    reveal={{ key: "password", label: "New password" }}
                    confirm={`Reset the password of ${u.email}? Their sessions end.`}
                  />
                </div>
              </td>
            </tr>
          )}
        </DataTable>
        <Pagination page={page} pages={pages} href={href} />
      </section>
    </>
  );
}
