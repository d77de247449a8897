-- Issue 17 §1: FindingDayRollup summed over repositories, so an org-wide trend or MTTR reads a few thousand
-- rows (days × checks) and subtracts the archived repositories' rows, instead of every repository's. The
-- trigger functions of 20261204000000_rollups now write both tables in one statement.
-- CreateTable
CREATE TABLE "FindingDayOrgRollup" (
    "day" DATE NOT NULL,
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

    CONSTRAINT "FindingDayOrgRollup_pkey" PRIMARY KEY ("day","checkId","severity","codeContext")
);


CREATE OR REPLACE FUNCTION "posture_rollup_events"() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    WITH d ("day", "repositoryId", "checkId", "severity", "codeContext", "opened", "closed", "detected", "fixed", "closedFalsePositive", "closedAcceptedRisk", "reopened", "expired") AS MATERIALIZED (
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
    ),
    fine AS (
      INSERT INTO "FindingDayRollup" AS r ("day", "repositoryId", "checkId", "severity", "codeContext", "opened", "closed", "detected", "fixed", "closedFalsePositive", "closedAcceptedRisk", "reopened", "expired")
      SELECT * FROM d
      ON CONFLICT ("day", "repositoryId", "checkId", "severity", "codeContext") DO UPDATE SET
      "opened" = r."opened" + EXCLUDED."opened", "closed" = r."closed" + EXCLUDED."closed",
      "detected" = r."detected" + EXCLUDED."detected", "fixed" = r."fixed" + EXCLUDED."fixed",
      "closedFalsePositive" = r."closedFalsePositive" + EXCLUDED."closedFalsePositive",
      "closedAcceptedRisk" = r."closedAcceptedRisk" + EXCLUDED."closedAcceptedRisk",
      "reopened" = r."reopened" + EXCLUDED."reopened", "expired" = r."expired" + EXCLUDED."expired"
    )
    INSERT INTO "FindingDayOrgRollup" AS r ("day", "checkId", "severity", "codeContext", "opened", "closed", "detected", "fixed", "closedFalsePositive", "closedAcceptedRisk", "reopened", "expired")
    SELECT "day", "checkId", "severity", "codeContext", SUM("opened"), SUM("closed"), SUM("detected"), SUM("fixed"),
           SUM("closedFalsePositive"), SUM("closedAcceptedRisk"), SUM("reopened"), SUM("expired")
      FROM d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("day", "checkId", "severity", "codeContext") DO UPDATE SET
      "opened" = r."opened" + EXCLUDED."opened", "closed" = r."closed" + EXCLUDED."closed",
      "detected" = r."detected" + EXCLUDED."detected", "fixed" = r."fixed" + EXCLUDED."fixed",
      "closedFalsePositive" = r."closedFalsePositive" + EXCLUDED."closedFalsePositive",
      "closedAcceptedRisk" = r."closedAcceptedRisk" + EXCLUDED."closedAcceptedRisk",
      "reopened" = r."reopened" + EXCLUDED."reopened", "expired" = r."expired" + EXCLUDED."expired"
  $q$, src);
  RETURN NULL;
END
$fn$;
CREATE OR REPLACE FUNCTION "posture_rollup_findings"() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    ),
    fx ("day", "repositoryId", "checkId", "severity", "codeContext", "remediated", "remediatedDays") AS MATERIALIZED (
    SELECT f."fixedAt"::date, f."repositoryId", f."checkId", f."severity", f."codeContext", SUM(f.s),
           SUM(f.s * EXTRACT(EPOCH FROM (f."fixedAt" - f."firstSeenAt")) / 86400)::float8
      FROM f
     WHERE f."status" = 'fixed' AND f."fixedAt" IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5 HAVING SUM(f.s) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ),
    fine AS (
      INSERT INTO "FindingDayRollup" AS r ("day", "repositoryId", "checkId", "severity", "codeContext", "remediated", "remediatedDays")
      SELECT * FROM fx
      ON CONFLICT ("day", "repositoryId", "checkId", "severity", "codeContext") DO UPDATE SET
      "remediated" = r."remediated" + EXCLUDED."remediated", "remediatedDays" = r."remediatedDays" + EXCLUDED."remediatedDays"
    )
    INSERT INTO "FindingDayOrgRollup" AS r ("day", "checkId", "severity", "codeContext", "remediated", "remediatedDays")
    SELECT "day", "checkId", "severity", "codeContext", SUM("remediated"), SUM("remediatedDays")
      FROM fx GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("day", "checkId", "severity", "codeContext") DO UPDATE SET
      "remediated" = r."remediated" + EXCLUDED."remediated", "remediatedDays" = r."remediatedDays" + EXCLUDED."remediatedDays"
  $q$, src);
  RETURN NULL;
END
$fn$;
INSERT INTO "FindingDayOrgRollup" ("day", "checkId", "severity", "codeContext", "opened", "closed", "detected", "fixed",
                                   "closedFalsePositive", "closedAcceptedRisk", "reopened", "expired", "remediated", "remediatedDays")
SELECT "day", "checkId", "severity", "codeContext", SUM("opened"), SUM("closed"), SUM("detected"), SUM("fixed"),
       SUM("closedFalsePositive"), SUM("closedAcceptedRisk"), SUM("reopened"), SUM("expired"), SUM("remediated"), SUM("remediatedDays")
  FROM "FindingDayRollup" GROUP BY 1, 2, 3, 4;
