from fastapi import FastAPI

app = FastAPI()


@app.post("/generate")
async def generate(prompt: str):
    return {"text": prompt[::-1]}
