import { z } from "zod";
import { ApiError, apiRoute, readJson } from "@/lib/api/http.ts";
import { updateFindings } from "@/lib/findings/triage.ts";
import { getDb } from "@/lib/server/context.ts";

export const GET = apiRoute<{ id: string }>(getDb, "findings:read", async ({ params }) => {
  const finding = await getDb().finding.findUnique({
    where: { id: params.id },
    include: { repository: { select: { id: true, name: true } }, assignee: { select: { id: true, name: true, email: true } }, events: { orderBy: { createdAt: "asc" } } },
  });
  if (!finding) throw new ApiError(404, "not_found", "no such finding");
  return Response.json({ finding });
});

export const PATCH = apiRoute<{ id: string }>(getDb, "findings:triage", async ({ req, params, actor }) => {
  const change = await readJson(req, z.unknown());
  await updateFindings(getDb(), [params.id], change, actor);
  return Response.json({ finding: await getDb().finding.findUnique({ where: { id: params.id } }) });
});
