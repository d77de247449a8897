import "server-only";
import { errorResponse, toErrorResponse } from "../api/http.ts";
import { queuePrefix } from "../queue/connection.ts";
import { MAX_HOOK_BYTES, readBody, receiveHook } from "../hooks/receive.ts";
import type { HookForge } from "../hooks/verify.ts";
import { clientView } from "../security/forwarded.ts";
import { getDb, getQueues, getRedis } from "./context.ts";

/**
 * A forge's webhook endpoint: no session and no API token, only the delivery's signature (GitHub) or token
 * (GitLab), checked by lib/hooks/receive.ts. Errors are answered as the API's are (toErrorResponse).
 */
export function hookRoute(forge: HookForge) {
  return async (req: Request): Promise<Response> => {
    try {
      const body = await readBody(req.body, req.headers.get("content-length"));
      if (!body) return errorResponse(413, "payload_too_large", `the delivery is larger than ${MAX_HOOK_BYTES} bytes`);
      const answer = await receiveHook({ db: getDb(), queues: getQueues(), redis: getRedis(), prefix: queuePrefix() }, forge, {
        headers: req.headers,
        body,
        ip: clientView(req.headers).ip,
      });
      return Response.json(answer.body, { status: answer.status, headers: { "cache-control": "no-store", ...answer.headers } });
    } catch (e) {
      return toErrorResponse(e);
    }
  };
}
