# A FastAPI app in the same repository: not a BentoML module, so the BentoML service checks stay quiet.
from fastapi import FastAPI

app = FastAPI()


@app.post("/calc")
def calc(expr: str):
    # ok: bentoml.service.eval-request-data
    return eval(expr)


@app.get("/file")
def read(name: str):
    # ok: bentoml.service.path-from-request
    return open(name).read()
