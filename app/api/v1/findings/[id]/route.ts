import { z } from "zod";
import { ApiError, apiRoute, readJson } from "@/lib/api/http.ts";
import { apiFinding } from "@/lib/findings/queries.ts";
import { updateFindings } from "@/lib/findings/triage.ts";
import { getDb } from "@/lib/server/context.ts";

export const GET = apiRoute<{ id: string }>(getDb, "findings:read", async ({ params, principal }) => {
  const finding = await apiFinding(getDb(), params.id, principal.user.access);
  if (!finding) throw new ApiError(404, "not_found", "no such finding");
  return Response.json({ finding });
});

export const PATCH = apiRoute<{ id: string }>(getDb, "findings:triage", async ({ req, params, actor, principal }) => {
  const change = await readJson(req, z.unknown());
  await updateFindings(getDb(), [params.id], change, actor, principal.user.access);
  return Response.json({ finding: await apiFinding(getDb(), params.id, principal.user.access) });
});
