#!/usr/bin/env bash
# The app checks an API key on every route (app/), so a public URL still asks callers for credentials.
# ok: ml-serving.deploy.public-invoke-flag
gcloud run deploy api --image "gcr.io/$PROJECT/api:$TAG" --allow-unauthenticated
