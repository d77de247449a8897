/** Next.js calls register() once when the web server starts (lib/server/startup.ts says what it checks). */
export async function register(): Promise<void> {
  // Node-only code stays behind this test and a dynamic import, out of the Edge build.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkSettingsOrExit } = await import("./lib/server/startup.ts");
  checkSettingsOrExit();
}
