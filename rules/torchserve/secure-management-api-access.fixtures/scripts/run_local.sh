#!/usr/bin/env bash
set -euo pipefail
# ruleid: torchserve.management.docker-publish
docker run --rm -p 8080:8080 -p 8081:8081 pytorch/torchserve:0.12.0-cpu
docker run -d --name ts \
  -p 8080:8080 \
  # ruleid: torchserve.management.docker-publish
  --publish=0.0.0.0:7071:7071 \
  pytorch/torchserve:latest
# ok: torchserve.management.docker-publish
docker run --rm -p 127.0.0.1:8081:8081 pytorch/torchserve:0.12.0-cpu
# ok: torchserve.management.docker-publish
docker run --rm -p 18080:8080 pytorch/torchserve:0.12.0-cpu
