import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeNextPath } from "@/lib/auth/guard.ts";
import { currentUser } from "@/lib/server/session.ts";
import { LoginForm } from "./login-form.tsx";

export const metadata: Metadata = { title: "Sign in · Posture" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <main className="login">
      <h1>Posture</h1>
      <p className="muted">Security posture of your ML-serving repositories.</p>
      <LoginForm next={next} />
      <p className="muted small">
        No account yet? An administrator creates one with <code>./bin/posture user create --email you@example.com --role engineer</code>.
      </p>
    </main>
  );
}
