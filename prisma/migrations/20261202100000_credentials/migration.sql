-- Stored credentials for private repositories (lib/credentials): only what may be shown again is in the clear;
-- the secret itself is sealed with POSTURE_SECRET_KEY. One credential per transport, host, port and path prefix.
-- CreateEnum
CREATE TYPE "CredentialKind" AS ENUM ('https_token', 'github_app', 'ssh_key');

-- CreateTable
CREATE TABLE "Credential" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "CredentialKind" NOT NULL,
    "transport" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "pathPrefix" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "lastResult" TEXT,

    CONSTRAINT "Credential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Credential_name_key" ON "Credential"("name");

-- CreateIndex
CREATE INDEX "Credential_host_idx" ON "Credential"("host");

-- CreateIndex
CREATE UNIQUE INDEX "Credential_transport_host_port_pathPrefix_key" ON "Credential"("transport", "host", "port", "pathPrefix");

