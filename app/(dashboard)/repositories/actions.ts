"use server";
import { revalidatePath } from "next/cache";
import { formToObject, type ActionResult } from "@/lib/actions/define.ts";
import {
  archiveRepositoryAction,
  restoreRepositoryAction,
  registerBulkAction,
  registerRepositoryAction,
  rescanAllAction,
  scanNowAction,
} from "@/lib/actions/repositories.ts";
import { perform } from "@/lib/server/actions.ts";

type Result<T> = ActionResult<T> | null;

export async function registerOne(_prev: Result<unknown>, form: FormData) {
  const r = await perform(registerRepositoryAction, formToObject(form));
  if (r.ok) revalidatePath("/repositories");
  return r;
}

export async function registerMany(_prev: Result<unknown>, form: FormData) {
  const r = await perform(registerBulkAction, formToObject(form));
  if (r.ok) revalidatePath("/repositories");
  return r;
}

export async function scanNow(_prev: Result<unknown>, form: FormData) {
  const r = await perform(scanNowAction, formToObject(form));
  revalidatePath("/repositories", "layout");
  return r;
}

export async function rescanEverything(_prev: Result<unknown>, form: FormData) {
  const r = await perform(rescanAllAction, formToObject(form));
  revalidatePath("/repositories", "layout");
  return r;
}

export async function archive(_prev: Result<unknown>, form: FormData) {
  const r = await perform(archiveRepositoryAction, formToObject(form));
  if (r.ok) revalidatePath("/repositories", "layout");
  return r;
}

export async function restore(_prev: Result<unknown>, form: FormData) {
  const r = await perform(restoreRepositoryAction, formToObject(form));
  if (r.ok) revalidatePath("/repositories", "layout");
  return r;
}
