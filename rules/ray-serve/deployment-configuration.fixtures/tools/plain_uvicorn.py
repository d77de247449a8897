"""Not Ray: a wildcard bind in a module that never imports ray is not Serve's proxy."""
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    # ok: ray-serve.http.public-bind
    uvicorn.run(app, host="0.0.0.0", port=8000)
    # ok: ray-serve.http.public-bind
    options = dict(http_options={"host": "0.0.0.0"})
