import type { ReactNode } from "react";
import { can } from "@/lib/auth/permissions.ts";
import { roleLabel } from "@/lib/auth/guard.ts";
import { requirePage } from "@/lib/server/session.ts";
import { signOut, signOutEverywhere } from "../login/actions.ts";
import { NavLinks, type NavItem } from "../ui/nav-links.tsx";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requirePage("findings:read");
  const items: NavItem[] = [
    { href: "/", label: "Overview" },
    { href: "/heatmap", label: "Heatmap" },
    { href: "/remediation", label: "Remediation" },
    { href: "/findings", label: "Findings" },
    { href: "/my", label: "My findings" },
    { href: "/repositories", label: "Repositories" },
    { href: "/rules", label: "Rules" },
  ];
  const admin: NavItem[] = [
    ...(can(user.role, "settings:manage") ? [{ href: "/settings", label: "Settings" }] : []),
    ...(can(user.role, "users:manage") ? [{ href: "/admin/users", label: "Users" }] : []),
    ...(can(user.role, "tokens:manage") ? [{ href: "/admin/tokens", label: "API tokens" }] : []),
    ...(can(user.role, "credentials:manage") ? [{ href: "/admin/credentials", label: "Credentials" }] : []),
    ...(can(user.role, "connections:manage") ? [{ href: "/admin/connections", label: "Connections" }] : []),
    ...(can(user.role, "audit:read") ? [{ href: "/admin/audit", label: "Audit log" }] : []),
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
          <div className="muted small">{roleLabel(user.role)}</div>
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
