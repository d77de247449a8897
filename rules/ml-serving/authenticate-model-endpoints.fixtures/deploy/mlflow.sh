#!/bin/sh
set -e
# ruleid: ml-serving.mlflow.server-public-without-auth
mlflow server --backend-store-uri "$DB_URI" --default-artifact-root s3://models -h 0.0.0.0 -p 5000 &
# ruleid: ml-serving.mlflow.server-public-without-auth
exec mlflow ui --host=0.0.0.0
# ok: ml-serving.mlflow.server-public-without-auth
mlflow server --host 127.0.0.1 --port 5001
# ok: ml-serving.mlflow.server-public-without-auth
echo "run: mlflow server --port 5000"
