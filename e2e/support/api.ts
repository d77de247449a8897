/** The HTTP API, used by scenarios to arrange what is not under test (registering, waiting for scans). */
import { expect, type APIRequestContext } from "@playwright/test";
import { readState, type StackState } from "./stack.ts";

function auth(role: keyof StackState["users"]) {
  return { authorization: `Bearer ${readState().users[role].token}` };
}

export async function register(request: APIRequestContext, url: string, team: string): Promise<{ repositoryId: string; scanId: string }> {
  const r = await request.post("/api/v1/repositories", { headers: auth("lead"), data: { url, team } });
  expect(r.status(), await r.text()).toBe(201);
  const body = (await r.json()) as { repository: { id: string }; scanId: string };
  return { repositoryId: body.repository.id, scanId: body.scanId };
}

export async function rescan(request: APIRequestContext, repositoryId: string): Promise<string> {
  const r = await request.post(`/api/v1/repositories/${repositoryId}/scans`, { headers: auth("lead") });
  expect([200, 202]).toContain(r.status());
  return ((await r.json()) as { scan: { id: string } }).scan.id;
}

export async function waitForScan(request: APIRequestContext, scanId: string, ms = 90_000): Promise<{ status: string }> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await request.get(`/api/v1/scans/${scanId}`, { headers: auth("lead") });
    const { scan } = (await r.json()) as { scan: { status: string; failureReason: string | null } };
    if (["succeeded", "unchanged"].includes(scan.status)) return scan;
    if (scan.status === "failed") throw new Error(`scan failed: ${scan.failureReason}`);
    if (Date.now() > end) throw new Error(`scan ${scanId} still ${scan.status} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function findings(
  request: APIRequestContext,
  query: string,
): Promise<{ id: string; status: string; checkId: string; path: string }[]> {
  const r = await request.get(`/api/v1/findings?${query}`, { headers: auth("lead") });
  expect(r.status()).toBe(200);
  return ((await r.json()) as { items: { id: string; status: string; checkId: string; path: string }[] }).items;
}

export async function triage(
  request: APIRequestContext,
  id: string,
  change: Record<string, unknown>,
  role: keyof StackState["users"] = "lead",
) {
  return request.patch(`/api/v1/findings/${id}`, { headers: auth(role), data: change });
}
