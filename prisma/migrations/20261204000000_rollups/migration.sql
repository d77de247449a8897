-- Issue 17 §1: daily rollups of the finding lifecycle, so the dashboard's aggregates read a few thousand rows
-- instead of every finding and event (lib/rollups/, schema.prisma FindingDayRollup, FindingStatusRollup,
-- FindingDueRollup).
--
-- They are kept by statement-level triggers on FindingEvent and Finding with transition tables: every writer
-- (a scan's persist, triage, approvals, the expiry job, a settings change moving due dates, the demo and bench
-- seeds, a repository's deletion) updates them in its own transaction, with one grouped upsert per statement,
-- and none of them can forget to. Counts are added as deltas (n = n + delta), which concurrent transactions
-- commute; rows are upserted in key order, so two writers take their row locks in the same order.
--
-- What is counted is the definition in lib/dashboard/trends.ts: an event whose fromStatus/toStatus crosses
-- the open set {open, in_progress, reopened} (lib/findings/status.ts OPEN_STATUSES) is +1 or -1 for its day;
-- open at the end of day D is the open findings now minus the crossings after D. A finding's events carry its
-- current severity and context (lib/scan/persist.ts rewrites them when a rescan changes either), and the
-- update trigger moves their counts with them. test/rollups/ proves the rollups equal the lifecycle.
-- CreateTable
CREATE TABLE "FindingDayRollup" (
    "day" DATE NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "checkId" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "codeContext" "CodeContext" NOT NULL,
    "opened" INTEGER NOT NULL DEFAULT 0,
    "closed" INTEGER NOT NULL DEFAULT 0,
    "detected" INTEGER NOT NULL DEFAULT 0,
    "fixed" INTEGER NOT NULL DEFAULT 0,
    "closedFalsePositive" INTEGER NOT NULL DEFAULT 0,
    "closedAcceptedRisk" INTEGER NOT NULL DEFAULT 0,
    "reopened" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "remediated" INTEGER NOT NULL DEFAULT 0,
    "remediatedDays" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "FindingDayRollup_pkey" PRIMARY KEY ("day","repositoryId","checkId","severity","codeContext")
);

-- CreateTable
CREATE TABLE "FindingStatusRollup" (
    "repositoryId" TEXT NOT NULL,
    "checkId" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "framework" "Framework" NOT NULL,
    "severity" "Severity" NOT NULL,
    "codeContext" "CodeContext" NOT NULL,
    "status" "FindingStatus" NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "FindingStatusRollup_pkey" PRIMARY KEY ("repositoryId","checkId","policyId","framework","severity","codeContext","status")
);

-- CreateTable
CREATE TABLE "FindingDueRollup" (
    "dueDay" DATE NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "checkId" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "codeContext" "CodeContext" NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "FindingDueRollup_pkey" PRIMARY KEY ("dueDay","repositoryId","checkId","severity","codeContext")
);

-- CreateIndex
CREATE INDEX "FindingDayRollup_repositoryId_day_idx" ON "FindingDayRollup"("repositoryId", "day");

-- CreateIndex
CREATE INDEX "FindingStatusRollup_status_idx" ON "FindingStatusRollup"("status");


-- One function per table: the transition tables are visible only to the trigger function's own statements.
CREATE FUNCTION "posture_rollup_events"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    src := 'SELECT 1 AS s, * FROM new_rows';
  ELSIF TG_OP = 'DELETE' THEN
    src := 'SELECT -1 AS s, * FROM old_rows';
  ELSE
    src := 'SELECT 1 AS s, * FROM new_rows UNION ALL SELECT -1 AS s, * FROM old_rows';
  END IF;
  EXECUTE format($q$
    INSERT INTO "FindingDayRollup" AS r ("day", "repositoryId", "checkId", "severity", "codeContext", "opened", "closed", "detected",
                                         "fixed", "closedFalsePositive", "closedAcceptedRisk", "reopened", "expired")
    SELECT e."createdAt"::date, e."repositoryId", e."checkId", e."severity", e."codeContext",
           SUM(e.s * (x.d > 0)::int), SUM(e.s * (x.d < 0)::int),
           SUM(e.s * (e."type" = 'detected')::int), SUM(e.s * (e."type" = 'fixed')::int),
           SUM(e.s * (x.d < 0 AND e."toStatus" = 'false_positive')::int), SUM(e.s * (x.d < 0 AND e."toStatus" = 'accepted_risk')::int),
           SUM(e.s * (x.d > 0 AND e."type" = 'reopened')::int), SUM(e.s * (x.d > 0 AND e."type" = 'risk_expired')::int)
      FROM (%s) e
      CROSS JOIN LATERAL (
        SELECT COALESCE(e."toStatus" IN ('open', 'in_progress', 'reopened'), false)::int
             - COALESCE(e."fromStatus" IN ('open', 'in_progress', 'reopened'), false)::int AS d
      ) x
     WHERE x.d <> 0 AND e."severity" IS NOT NULL AND e."repositoryId" IS NOT NULL AND e."checkId" IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("day", "repositoryId", "checkId", "severity", "codeContext") DO UPDATE SET
      "opened" = r."opened" + EXCLUDED."opened", "closed" = r."closed" + EXCLUDED."closed",
      "detected" = r."detected" + EXCLUDED."detected", "fixed" = r."fixed" + EXCLUDED."fixed",
      "closedFalsePositive" = r."closedFalsePositive" + EXCLUDED."closedFalsePositive",
      "closedAcceptedRisk" = r."closedAcceptedRisk" + EXCLUDED."closedAcceptedRisk",
      "reopened" = r."reopened" + EXCLUDED."reopened", "expired" = r."expired" + EXCLUDED."expired"
  $q$, src);
  RETURN NULL;
END
$fn$;

CREATE FUNCTION "posture_rollup_findings"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    src := 'SELECT 1 AS s, * FROM new_rows';
  ELSIF TG_OP = 'DELETE' THEN
    src := 'SELECT -1 AS s, * FROM old_rows';
  ELSE
    -- A scan updates every finding it sees (lastSeenAt): only rows whose counted columns changed move counts.
    src := $s$
      SELECT 1 AS s, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n."repositoryId", n."checkId", n."policyId", n."framework", n."severity", n."codeContext", n."status", n."dueAt", n."fixedAt", n."firstSeenAt")
             IS DISTINCT FROM (o."repositoryId", o."checkId", o."policyId", o."framework", o."severity", o."codeContext", o."status", o."dueAt", o."fixedAt", o."firstSeenAt")
      UNION ALL
      SELECT -1 AS s, o.* FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n."repositoryId", n."checkId", n."policyId", n."framework", n."severity", n."codeContext", n."status", n."dueAt", n."fixedAt", n."firstSeenAt")
             IS DISTINCT FROM (o."repositoryId", o."checkId", o."policyId", o."framework", o."severity", o."codeContext", o."status", o."dueAt", o."fixedAt", o."firstSeenAt")
    $s$;
  END IF;
  -- One statement: the changed rows are found once and feed the three tables.
  EXECUTE format($q$
    WITH f AS MATERIALIZED (%s),
    st AS (
      INSERT INTO "FindingStatusRollup" AS r ("repositoryId", "checkId", "policyId", "framework", "severity", "codeContext", "status", "n")
      SELECT f."repositoryId", f."checkId", f."policyId", f."framework", f."severity", f."codeContext", f."status", SUM(f.s)
        FROM f
       GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING SUM(f.s) <> 0
       ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT ("repositoryId", "checkId", "policyId", "framework", "severity", "codeContext", "status") DO UPDATE SET "n" = r."n" + EXCLUDED."n"
    ),
    due AS (
      INSERT INTO "FindingDueRollup" AS r ("dueDay", "repositoryId", "checkId", "severity", "codeContext", "n")
      SELECT f."dueAt"::date, f."repositoryId", f."checkId", f."severity", f."codeContext", SUM(f.s)
        FROM f
       WHERE f."status" IN ('open', 'in_progress', 'reopened')
       GROUP BY 1, 2, 3, 4, 5 HAVING SUM(f.s) <> 0
       ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT ("dueDay", "repositoryId", "checkId", "severity", "codeContext") DO UPDATE SET "n" = r."n" + EXCLUDED."n"
    )
    INSERT INTO "FindingDayRollup" AS r ("day", "repositoryId", "checkId", "severity", "codeContext", "remediated", "remediatedDays")
    SELECT f."fixedAt"::date, f."repositoryId", f."checkId", f."severity", f."codeContext", SUM(f.s),
           SUM(f.s * EXTRACT(EPOCH FROM (f."fixedAt" - f."firstSeenAt")) / 86400)::float8
      FROM f
     WHERE f."status" = 'fixed' AND f."fixedAt" IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5 HAVING SUM(f.s) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("day", "repositoryId", "checkId", "severity", "codeContext") DO UPDATE SET
      "remediated" = r."remediated" + EXCLUDED."remediated", "remediatedDays" = r."remediatedDays" + EXCLUDED."remediatedDays"
  $q$, src);
  RETURN NULL;
END
$fn$;

CREATE TRIGGER "FindingEvent_rollup_insert" AFTER INSERT ON "FindingEvent" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_rollup_events"();
CREATE TRIGGER "FindingEvent_rollup_update" AFTER UPDATE ON "FindingEvent" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_rollup_events"();
CREATE TRIGGER "FindingEvent_rollup_delete" AFTER DELETE ON "FindingEvent" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_rollup_events"();
CREATE TRIGGER "Finding_rollup_insert" AFTER INSERT ON "Finding" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_rollup_findings"();
CREATE TRIGGER "Finding_rollup_update" AFTER UPDATE ON "Finding" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_rollup_findings"();
CREATE TRIGGER "Finding_rollup_delete" AFTER DELETE ON "Finding" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_rollup_findings"();

-- Backfill from the history already recorded: the same deltas, every row counted once with sign +1
-- (lib/rollups/rebuild.ts recomputes them the same way).
INSERT INTO "FindingDayRollup" AS r ("day", "repositoryId", "checkId", "severity", "codeContext", "opened", "closed", "detected",
                                     "fixed", "closedFalsePositive", "closedAcceptedRisk", "reopened", "expired")
SELECT e."createdAt"::date, e."repositoryId", e."checkId", e."severity", e."codeContext",
       COUNT(*) FILTER (WHERE x.d > 0), COUNT(*) FILTER (WHERE x.d < 0),
       COUNT(*) FILTER (WHERE e."type" = 'detected'), COUNT(*) FILTER (WHERE e."type" = 'fixed'),
       COUNT(*) FILTER (WHERE x.d < 0 AND e."toStatus" = 'false_positive'), COUNT(*) FILTER (WHERE x.d < 0 AND e."toStatus" = 'accepted_risk'),
       COUNT(*) FILTER (WHERE x.d > 0 AND e."type" = 'reopened'), COUNT(*) FILTER (WHERE x.d > 0 AND e."type" = 'risk_expired')
  FROM "FindingEvent" e
  CROSS JOIN LATERAL (
    SELECT COALESCE(e."toStatus" IN ('open', 'in_progress', 'reopened'), false)::int
         - COALESCE(e."fromStatus" IN ('open', 'in_progress', 'reopened'), false)::int AS d
  ) x
 WHERE x.d <> 0 AND e."severity" IS NOT NULL AND e."repositoryId" IS NOT NULL AND e."checkId" IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5;
INSERT INTO "FindingStatusRollup" ("repositoryId", "checkId", "policyId", "framework", "severity", "codeContext", "status", "n")
SELECT f."repositoryId", f."checkId", f."policyId", f."framework", f."severity", f."codeContext", f."status", COUNT(*)
  FROM "Finding" f GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO "FindingDueRollup" ("dueDay", "repositoryId", "checkId", "severity", "codeContext", "n")
SELECT f."dueAt"::date, f."repositoryId", f."checkId", f."severity", f."codeContext", COUNT(*)
  FROM "Finding" f WHERE f."status" IN ('open', 'in_progress', 'reopened') GROUP BY 1, 2, 3, 4, 5;
INSERT INTO "FindingDayRollup" AS r ("day", "repositoryId", "checkId", "severity", "codeContext", "remediated", "remediatedDays")
SELECT f."fixedAt"::date, f."repositoryId", f."checkId", f."severity", f."codeContext", COUNT(*),
       SUM(EXTRACT(EPOCH FROM (f."fixedAt" - f."firstSeenAt")) / 86400)::float8
  FROM "Finding" f WHERE f."status" = 'fixed' AND f."fixedAt" IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5
ON CONFLICT ("day", "repositoryId", "checkId", "severity", "codeContext") DO UPDATE SET
  "remediated" = EXCLUDED."remediated", "remediatedDays" = EXCLUDED."remediatedDays";
