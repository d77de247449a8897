"use server";
import { checkAccessAction, createCredentialAction, deleteCredentialAction } from "@/lib/actions/credentials.ts";
import { formAction } from "@/lib/server/actions.ts";

export const createCredential = formAction(createCredentialAction, "/admin/credentials");
export const deleteCredential = formAction(deleteCredentialAction, "/admin/credentials");
// A check is a use: the list's "last used" changes, whatever the check found.
export const checkAccess = formAction(checkAccessAction, "/admin/credentials", { always: true });
