from fastapi import Depends, FastAPI, Header, HTTPException

app = FastAPI()


def require_api_key(x_api_key: str = Header(...)):
    if x_api_key != "expected":
        raise HTTPException(status_code=401)


@app.post("/generate", dependencies=[Depends(require_api_key)])
async def generate(prompt: str):
    return {"text": prompt[::-1]}
