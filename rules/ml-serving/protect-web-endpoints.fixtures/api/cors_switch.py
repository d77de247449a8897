# CORS origins chosen by an environment switch: the wildcard branch ships with the app.
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
internal = FastAPI()

cors_config = os.environ.get("APP_CORS", "")
if cors_config == "1":
    cors_config = ["http://localhost:8004", "*"]
else:
    cors_config = cors_config.split(";")
app.add_middleware(
    CORSMiddleware,
    # ruleid: ml-serving.web.cors-any-origin-with-credentials
    allow_origins=cors_config,
    allow_credentials=True,
)

TRUSTED = ["https://console.example.com", "https://admin.example.com"]
internal.add_middleware(
    CORSMiddleware,
    # ok: ml-serving.web.cors-any-origin-with-credentials
    allow_origins=TRUSTED,
    allow_credentials=True,
)
