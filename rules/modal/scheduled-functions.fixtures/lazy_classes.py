# A module __getattr__ (PEP 562) that builds classes on first access: Python calls it with the attribute
# name the code asks for, not with anything a caller sends.
import modal

app = modal.App("lazy-classes")


def _make(name: str):
    return type(name, (), {})


def __getattr__(name: str):
    if name in globals():
        # ok: modal.schedule.dynamic-dispatch
        return globals()[name]
    return _make(name)


@app.function()
def run_job(job: str):
    # ruleid: modal.schedule.dynamic-dispatch
    return globals()[job]()
