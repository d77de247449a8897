/**
 * Next.js calls register() once when the web server starts. Settings that are otherwise read on first use (and
 * would then fail a user's request with a 500) are read here, so a bad value stops the server with its name, as
 * it stops the worker.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { allowedNetworks } = await import("./lib/repos/address.ts");
  try {
    allowedNetworks();
  } catch (e) {
    console.error(`posture: ${(e as Error).message}`);
    process.exit(1);
  }
}
