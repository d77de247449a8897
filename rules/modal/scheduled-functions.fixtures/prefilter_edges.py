"""Edge cases: modal imported under an alias beside other modules, a multi-line schedule decorator, spacing."""
import logging, os, sys
import modal as md

app = md.App("edge-jobs")
log = logging.getLogger("edge-jobs")


@app.function(
    timeout=600,
    max_containers=1,
    schedule=md.Cron("0 3 * * *"),
)
def nightly_export():
    slack_token = os.getenv("SLACK_BOT_TOKEN")
    log.info(
        "exporting with %s",
        # ruleid: modal.schedule.secret-logged
        slack_token,
    )
    # ruleid: modal.schedule.secret-logged
    print(os.environ["EXPORT_API_KEY"])
    # ok: modal.schedule.secret-logged
    print("token present:", slack_token is not None)


@app.function(timeout=60)
def not_scheduled():
    # ok: modal.schedule.secret-logged
    print(os.environ["EXPORT_API_KEY"])


@app.function(timeout=300)
def run_spaced(name: str):
    # ruleid: modal.schedule.dynamic-dispatch
    fn = getattr(sys .modules[__name__], name)
    return fn()


@app.function(timeout=300)
def run_allowed(name: str):
    if name not in {"nightly_export"}:
        raise ValueError(name)
    # ok: modal.schedule.dynamic-dispatch
    return getattr(sys.modules[__name__], name)()
