from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordRequestForm

from serving.auth import User, get_current_user, issue_token
from serving.models import get_classifier

router = APIRouter(prefix="/v1")
api_key = APIKeyHeader(name="x-api-key")


@router.post("/classify")
async def classify(text: str, user: User = Depends(get_current_user), model=Depends(get_classifier)):
    return model(text)


@router.get("/presets/{name}")
async def preset(name: str, user: Annotated[User, Depends(get_current_user)]):
    return {"name": name}


# the one route of the router without the caller's identity
# ruleid: ml-serving.web.route-missing-auth-dependency
@router.post("/classify/custom")
async def classify_custom(text: str, labels: list[str], model=Depends(get_classifier)):
    return model(text, labels)


# ok: ml-serving.web.route-missing-auth-dependency
@router.post("/token")
async def login(form: OAuth2PasswordRequestForm = Depends()):
    return issue_token(form)


# ok: ml-serving.web.route-missing-auth-dependency
@router.get("/health")
async def health():
    return {"ok": True}


# ok: ml-serving.web.route-missing-auth-dependency
@router.post("/batch", dependencies=[Security(api_key)])
async def batch(texts: list[str], model=Depends(get_classifier)):
    return [model(t) for t in texts]


# ok: ml-serving.web.route-missing-auth-dependency
@router.post("/feedback")
async def feedback(text: str, key: str = Security(api_key)):
    if not key:
        raise HTTPException(status_code=401)
    return {"stored": True}


# static examples: nothing behind it to protect
# ok: ml-serving.web.route-missing-auth-dependency
@router.get("/examples")
async def examples():
    return [{"text": "I love it", "expected": "positive"}]
