"use server";
import {
  archiveRepositoryAction,
  restoreRepositoryAction,
  registerBulkAction,
  registerRepositoryAction,
  rescanAllAction,
  scanNowAction,
} from "@/lib/actions/repositories.ts";
import { formAction } from "@/lib/server/actions.ts";

const everyRepositoryPage = { path: "/repositories", type: "layout" } as const;

export const registerOne = formAction(registerRepositoryAction, "/repositories");
export const registerMany = formAction(registerBulkAction, "/repositories");
// A refused scan still shows: the page's scan status is read afresh either way.
export const scanNow = formAction(scanNowAction, everyRepositoryPage, { always: true });
export const rescanEverything = formAction(rescanAllAction, everyRepositoryPage, { always: true });
export const archive = formAction(archiveRepositoryAction, everyRepositoryPage);
export const restore = formAction(restoreRepositoryAction, everyRepositoryPage);
