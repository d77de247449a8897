import logging
import os
import sys
from datetime import datetime

import modal

app = modal.App("nightly-jobs")
logger = logging.getLogger(__name__)


# ruleid: modal.schedule.missing-timeout, modal.schedule.overlapping-runs
@app.function(schedule=modal.Cron("* * * * *"))
def poll_queue():
    drain_queue()


@app.function(
    # ruleid: modal.schedule.missing-timeout
    schedule=modal.Period(hours=1),
    secrets=[modal.Secret.from_name("reporting-api")],
)
def hourly_report():
    api_key = os.environ["REPORTING_API_KEY"]
    # ruleid: modal.schedule.secret-logged
    print(f"Using key: {api_key}")
    # ok: modal.schedule.secret-logged
    logger.info("report sent with key of length %d", len(api_key))


@app.function(
    timeout=3600,
    # ruleid: modal.schedule.overlapping-runs
    schedule=modal.Cron("*/5 * * * *"),
)
def sync_embeddings():
    rebuild_index()


@app.function(
    # ruleid: modal.schedule.overlapping-runs
    schedule=modal.Period(minutes=10),
    timeout=1200,
    retries=2,
)
def refresh_cache():
    logger.info("refreshing")


# ok: modal.schedule.missing-timeout, modal.schedule.overlapping-runs
@app.function(schedule=modal.Period(seconds=30), timeout=25, max_containers=1)
def heartbeat():
    token = os.getenv("STATUS_PAGE_TOKEN")
    # ok: modal.schedule.secret-logged
    logger.info("heartbeat at %s (token set: %s)", datetime.utcnow(), token is not None)


@app.function(timeout=300)
def run_any_job(job_name: str):
    # ruleid: modal.schedule.dynamic-dispatch
    return globals()[job_name]()


@app.function(timeout=300)
def run_plugin(plugin: str, payload: dict):
    # ruleid: modal.schedule.dynamic-dispatch
    handler = getattr(sys.modules[__name__], plugin)
    return handler(payload)


@app.function(timeout=300)
def run_by_lookup(name: str):
    # ruleid: modal.schedule.dynamic-dispatch
    fn = globals().get(name)
    if name in globals():
        return fn()


@app.function(timeout=300)
def run_checked(job_name: str):
    if job_name not in {"sync_embeddings", "refresh_cache"}:
        raise ValueError(f"Unknown job: {job_name}")
    # ok: modal.schedule.dynamic-dispatch
    return globals()[job_name]()


def register(name, fn):
    # ok: modal.schedule.dynamic-dispatch
    globals()[name] = fn
    # ok: modal.schedule.dynamic-dispatch
    return globals()["drain_queue"]


def drain_queue():
    pass


def rebuild_index():
    pass


# ok: modal.schedule.missing-timeout
@app.function(schedule=modal.Cron("0 3 * * *"), **{"timeout": 900})
def nightly():
    pass
