import type { ReactNode } from "react";
import { canWithScope } from "@/lib/auth/permissions.ts";
import { roleLabel } from "@/lib/auth/guard.ts";
import { pendingExceptionCount } from "@/lib/findings/exceptions.ts";
import { listTeams } from "@/lib/repos/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { signOut, signOutEverywhere } from "../login/actions.ts";
import { NavLinks, type NavItem } from "../ui/nav-links.tsx";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requirePage("findings:read");
  // A scoped user is told whose repositories they see.
  const teams = user.access.all ? [] : await listTeams(getDb(), user.access);
  const pendingCount = canWithScope(user, "exceptions:approve") ? await pendingExceptionCount(getDb(), user.access) : 0;
  const items: NavItem[] = [
    { href: "/", label: "Overview" },
    { href: "/heatmap", label: "Heatmap" },
    { href: "/remediation", label: "Remediation" },
    { href: "/findings", label: "Findings" },
    { href: "/my", label: "My findings" },
    { href: "/repositories", label: "Repositories" },
    { href: "/rules", label: "Rules" },
    // Approvers see how many requests wait for them (issue 16 §2).
    ...(canWithScope(user, "exceptions:approve")
      ? [{ href: "/approvals", label: `Approvals${pendingCount ? ` (${pendingCount})` : ""}` }]
      : []),
    // Issue 16 §3: in-code suppressions and .posture.yaml exclusions, for security leads and admins.
    ...(canWithScope(user, "suppressions:read") ? [{ href: "/suppressions", label: "Suppressions" }] : []),
  ];
  const admin: NavItem[] = [
    ...(canWithScope(user, "settings:manage") ? [{ href: "/settings", label: "Settings" }] : []),
    ...(canWithScope(user, "users:manage") ? [{ href: "/admin/users", label: "Users" }] : []),
    ...(canWithScope(user, "teams:manage") ? [{ href: "/admin/teams", label: "Teams" }] : []),
    ...(canWithScope(user, "tokens:manage") ? [{ href: "/admin/tokens", label: "API tokens" }] : []),
    ...(canWithScope(user, "credentials:manage") ? [{ href: "/admin/credentials", label: "Credentials" }] : []),
    ...(canWithScope(user, "connections:manage") ? [{ href: "/admin/connections", label: "Connections" }] : []),
    ...(canWithScope(user, "audit:read") ? [{ href: "/admin/audit", label: "Audit log" }] : []),
  ];
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">Posture</div>
        <nav aria-label="Main">
          <NavLinks items={items} />
          {admin.length > 0 ? (
            <>
              <div className="nav-heading">Administration</div>
              <NavLinks items={admin} />
            </>
          ) : null}
        </nav>
        <div className="whoami">
          <div title={user.email}>{user.name || user.email}</div>
          <div className="muted small">
            {roleLabel(user.role)}
            {user.access.all ? null : ` · ${teams.length ? teams.map((t) => t.name).join(", ") : "no team yet"}`}
          </div>
          <form action={signOut}>
            <button type="submit" className="link">
              Sign out
            </button>
          </form>
          <form action={signOutEverywhere}>
            <button type="submit" className="link small">
              Sign out everywhere
            </button>
            <label className="check muted">
              <input type="checkbox" name="tokens" value="1" /> and end my API tokens
            </label>
          </form>
        </div>
      </aside>
      <main id="main" className="content">
        {children}
      </main>
    </div>
  );
}
