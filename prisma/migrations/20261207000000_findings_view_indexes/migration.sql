-- Issue 17 §5: the findings table filtered by framework counted its matches with a sequential scan of every
-- finding (37 ms at 500,000), and an assignee's or a policy's findings by due date sorted every one of them.
CREATE INDEX "Finding_framework_status_codeContext_idx" ON "Finding"("framework", "status", "codeContext");
CREATE INDEX "Finding_assigneeId_dueAt_id_idx" ON "Finding"("assigneeId", "dueAt", "id");
CREATE INDEX "Finding_policyId_dueAt_id_idx" ON "Finding"("policyId", "dueAt", "id");
