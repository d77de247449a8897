import logging
import os
from datetime import datetime

import modal

app = modal.App("secure-scheduled")
logger = logging.getLogger(__name__)

JOBS = {}


# ok: modal.schedule.missing-timeout, modal.schedule.overlapping-runs
@app.function(
    schedule=modal.Cron("0 * * * *"),
    secrets=[modal.Secret.from_name("db-credentials")],
    timeout=1800,
    retries=1,
)
def secure_scheduled_job():
    start = datetime.utcnow()
    password = os.environ["DB_PASSWORD"]
    # ok: modal.schedule.secret-logged
    logger.info(f"Job started at {start}")
    try:
        result = process_data(password)
        # ok: modal.schedule.secret-logged
        logger.info(f"Job completed: {result['count']} items processed")
        return {"status": "success", "count": result["count"]}
    except Exception as e:
        logger.error(f"Job failed: {type(e).__name__}")
        raise


# ok: modal.schedule.missing-timeout, modal.schedule.overlapping-runs
@app.function(schedule=modal.Period(hours=1), timeout=600, concurrency_limit=1)
def singleton_job():
    pass


@app.function(timeout=300)
def manual_trigger(job_name: str, params: dict):
    allowed_jobs = {"sync", "cleanup", "backup"}
    if job_name not in allowed_jobs:
        raise ValueError(f"Unknown job: {job_name}")
    # ok: modal.schedule.dynamic-dispatch
    return JOBS[job_name](params)


def process_data(password):
    return {"count": len(password)}
