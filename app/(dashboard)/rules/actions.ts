"use server";
import { setCheckEnabledAction } from "@/lib/actions/rules.ts";
import { formAction } from "@/lib/server/actions.ts";

// Every view filters findings of disabled checks, so all of them change.
export const setCheckEnabled = formAction(setCheckEnabledAction, { path: "/", type: "layout" });
