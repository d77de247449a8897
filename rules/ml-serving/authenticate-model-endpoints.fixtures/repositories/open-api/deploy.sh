#!/usr/bin/env bash
set -euo pipefail
# ruleid: ml-serving.deploy.public-invoke-flag
gcloud run deploy embedder --image "gcr.io/$PROJECT/embedder:$TAG" --region europe-west1 --allow-unauthenticated
# ok: ml-serving.deploy.public-invoke-flag
gcloud run deploy embedder-internal --image "gcr.io/$PROJECT/embedder:$TAG" --no-allow-unauthenticated
# ruleid: ml-serving.deploy.public-invoke-flag
aws lambda create-function-url-config --function-name embedder --auth-type NONE
