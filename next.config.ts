import type { NextConfig } from "next";

const config: NextConfig = {
  // Native addons and connection pools stay in Node's own module system.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "bullmq", "ioredis", "@ast-grep/napi"],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
  // forbidden() renders app/forbidden.tsx with a real 403 status for pages a role may not see.
  experimental: { authInterrupts: true },
  // A separate build directory lets an e2e build or a second dev server run beside the usual one.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default config;
