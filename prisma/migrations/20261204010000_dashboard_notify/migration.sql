-- Issue 17 §3: the database announces every committed change that can move a dashboard figure, so every web
-- process's shared panel cache (lib/dashboard/cache.ts) is invalidated however the change was made (a scan saved
-- by the worker, triage, approvals, the expiry job, settings, rules, archival). NOTIFY is delivered at commit and
-- never for a rolled-back transaction; PostgreSQL folds a transaction's identical notifications into one.
CREATE FUNCTION "posture_dashboard_notify"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('posture_dashboard', '');
  RETURN NULL;
END
$fn$;

CREATE TRIGGER "Finding_dashboard_notify" AFTER INSERT OR UPDATE OR DELETE ON "Finding"
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "FindingEvent_dashboard_notify" AFTER INSERT OR UPDATE OR DELETE ON "FindingEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_dashboard_notify"();
-- Settings, the catalogue, repositories and teams are also written without a change (getSettings' upsert,
-- the worker's catalogue sync at start, a scan recording the frameworks it saw again): only rows that differ
-- in more than updatedAt announce one.
CREATE TRIGGER "Settings_dashboard_notify" AFTER INSERT OR DELETE ON "Settings"
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Settings_dashboard_notify_update" AFTER UPDATE ON "Settings"
  FOR EACH ROW WHEN ((to_jsonb(OLD) - 'updatedAt') IS DISTINCT FROM (to_jsonb(NEW) - 'updatedAt')) EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Check_dashboard_notify" AFTER INSERT OR DELETE ON "Check"
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Check_dashboard_notify_update" AFTER UPDATE ON "Check"
  FOR EACH ROW WHEN ((to_jsonb(OLD) - 'updatedAt') IS DISTINCT FROM (to_jsonb(NEW) - 'updatedAt')) EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Policy_dashboard_notify" AFTER INSERT OR DELETE ON "Policy"
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Policy_dashboard_notify_update" AFTER UPDATE ON "Policy"
  FOR EACH ROW WHEN ((to_jsonb(OLD) - 'updatedAt') IS DISTINCT FROM (to_jsonb(NEW) - 'updatedAt')) EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Repository_dashboard_notify" AFTER INSERT OR DELETE ON "Repository"
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Repository_dashboard_notify_update" AFTER UPDATE ON "Repository"
  FOR EACH ROW WHEN ((to_jsonb(OLD) - 'updatedAt') IS DISTINCT FROM (to_jsonb(NEW) - 'updatedAt')) EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Team_dashboard_notify" AFTER INSERT OR DELETE ON "Team"
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Team_dashboard_notify_update" AFTER UPDATE ON "Team"
  FOR EACH ROW WHEN ((to_jsonb(OLD) - 'updatedAt') IS DISTINCT FROM (to_jsonb(NEW) - 'updatedAt')) EXECUTE FUNCTION "posture_dashboard_notify"();
-- Coverage counts finished scans; a scan's progress (files done) is no change to any figure.
CREATE TRIGGER "Scan_dashboard_notify" AFTER INSERT OR DELETE ON "Scan"
  FOR EACH STATEMENT EXECUTE FUNCTION "posture_dashboard_notify"();
CREATE TRIGGER "Scan_dashboard_notify_update" AFTER UPDATE ON "Scan"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."finishedAt" IS DISTINCT FROM NEW."finishedAt")
  EXECUTE FUNCTION "posture_dashboard_notify"();
