"""A tutorial's scheduled job: a note in an example, a finding in production."""
import modal

app = modal.App("nightly-report")


# ruleid: modal.schedule.missing-timeout (low)
@app.function(schedule=modal.Cron("0 3 * * *"))
def nightly():
    print("report")
