import type { SignedInUser } from "../../lib/auth/guard.ts";
import { ORG_WIDE } from "../../lib/findings/visibility.ts";

/** A signed-in user of this role who sees every team, as the dashboard's reads are called with. */
export const orgWideUser = (role: SignedInUser["role"]): SignedInUser => ({
  id: `u-${role}`,
  email: `${role}@example.test`,
  name: role,
  role,
  access: ORG_WIDE,
});

/** The settings form as the page submits it with the defaults filled in: a valid base for one field's change. */
export const SETTINGS_FORM = {
  slaCriticalDays: "7",
  slaHighDays: "30",
  slaMediumDays: "90",
  slaLowDays: "180",
  scheduleEnabled: "true",
  scheduleCron: "0 2 * * *",
  scheduleTimezone: "UTC",
};
