import type { NextConfig } from "next";

const config: NextConfig = {
  // Native addons and connection pools stay in Node's own module system.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "bullmq", "ioredis", "@ast-grep/napi"],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
};

export default config;
