# Not Modal: a Celery beat module with the same shapes.
import os

from celery import Celery
from celery.schedules import crontab

celery_app = Celery("tasks")


# ok: modal.schedule.missing-timeout, modal.schedule.overlapping-runs
@celery_app.function(schedule=crontab(minute="*/5"))
def poll():
    key = os.environ["API_KEY"]
    # ok: modal.schedule.secret-logged
    print(key)


def dispatch(name):
    # ok: modal.schedule.dynamic-dispatch
    return globals()[name]()
