import { defineConfig } from "prisma/config";

// The Prisma CLI reads schema.prisma's env("DATABASE_URL") even for offline commands (generate, migrate diff).
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/posture";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
