# A path built in parentheses and read through a pathlib method: (BASE / name).read_text().
from pathlib import Path

from fastapi import FastAPI

api = FastAPI()
NOTES = Path("/srv/notes")


@api.get("/notes/{name}")
def read_note(name: str):
    # ruleid: training-monitor.path.request-data
    return (NOTES / name).read_text()


@api.get("/notes/{name}/safe")
def read_note_safely(name: str):
    # ok: training-monitor.path.request-data
    return (NOTES / Path(name).name).read_text()
