import { config } from "../config.ts";
import { checkSecretKey } from "../credentials/key.ts";

/**
 * Settings the web app would otherwise read on first use (and then fail a user's request with a 500), read once at
 * start: a bad value stops the server with its name (lib/config.ts), as it stops the worker.
 */
export function checkSettingsOrExit(): void {
  try {
    config();
    // Stored git credentials are sealed with it: a missing or short key stops the server here, not a scan later.
    checkSecretKey();
  } catch (e) {
    console.error(`posture: ${(e as Error).message}`);
    process.exit(1);
  }
}
