-- CreateIndex
CREATE INDEX "Repository_name_id_idx" ON "Repository"("name", "id");

-- CreateIndex
CREATE INDEX "Finding_severity_dueAt_id_idx" ON "Finding"("severity", "dueAt", "id");

-- CreateIndex
CREATE INDEX "Finding_status_severity_dueAt_id_idx" ON "Finding"("status", "severity", "dueAt", "id");

-- CreateIndex
CREATE INDEX "Finding_checkId_severity_dueAt_id_idx" ON "Finding"("checkId", "severity", "dueAt", "id");

-- CreateIndex
CREATE INDEX "Finding_policyId_severity_dueAt_id_idx" ON "Finding"("policyId", "severity", "dueAt", "id");

-- CreateIndex
CREATE INDEX "Finding_repositoryId_severity_dueAt_id_idx" ON "Finding"("repositoryId", "severity", "dueAt", "id");

-- CreateIndex
CREATE INDEX "Finding_status_repositoryId_policyId_severity_checkId_idx" ON "Finding"("status", "repositoryId", "policyId", "severity", "checkId");

