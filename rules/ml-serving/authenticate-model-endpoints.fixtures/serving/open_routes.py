from fastapi import APIRouter, Depends

from serving.models import get_classifier

router = APIRouter()


# no route of this router authenticates: nothing sets the expectation a sibling breaks
# ok: ml-serving.web.route-missing-auth-dependency
@router.post("/predict")
async def predict(text: str, model=Depends(get_classifier)):
    return model(text)
