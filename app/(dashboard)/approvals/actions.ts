"use server";
import { approveExceptionAction, rejectExceptionAction } from "@/lib/actions/findings.ts";
import { formAction } from "@/lib/server/actions.ts";

// A decision changes the finding's status everywhere findings are listed.
const decided = ["/approvals", { path: "/findings", type: "layout" } as const];

export const approveException = formAction(approveExceptionAction, decided);
export const rejectException = formAction(rejectExceptionAction, decided);
