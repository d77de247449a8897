import os

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer


def create_app() -> FastAPI:
    app = FastAPI()
    api_key = os.getenv("SERVING_API_KEY")
    security = HTTPBearer(auto_error=False)

    async def verify(auth: HTTPAuthorizationCredentials | None = Depends(security)):
        # unset by default, and then nothing is checked
        # ruleid: ml-serving.web.auth-skipped-without-key
        if api_key and (auth is None or auth.credentials != api_key):
            raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)

    @app.post("/v1/generate", dependencies=[Depends(verify)])
    async def generate(prompt: str):
        return {"text": prompt}

    return app


REQUIRED_KEY = os.environ["SERVING_API_KEY"]


async def verify_required(auth: HTTPAuthorizationCredentials | None = Depends(HTTPBearer())):
    # the key is required at start-up: a missing one stops the service
    # ok: ml-serving.web.auth-skipped-without-key
    if REQUIRED_KEY and auth.credentials != REQUIRED_KEY:
        raise HTTPException(status_code=401)


DEBUG = os.getenv("SERVING_DEBUG")


def log_request(user: str | None) -> None:
    # not a credential check: nothing is rejected
    # ok: ml-serving.web.auth-skipped-without-key
    if DEBUG and user:
        print(user)


if __name__ == "__main__":
    uvicorn.run(create_app(), host=os.getenv("SERVING_HOST", "0.0.0.0"), port=8000)
