# A separate FastAPI front end without BentoML: its CORS setup is not a BentoML finding.
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
# ok: bentoml.api.cors-allow-all-origins
app.add_middleware(CORSMiddleware, allow_origins=["*"])
