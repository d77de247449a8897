#!/usr/bin/env bash
set -euo pipefail
# ruleid: ray-serve.dashboard.cli-public-bind
ray start --head --port=6379 --dashboard-host=0.0.0.0
ray start --head \
  --num-cpus 8 \
  # ruleid: ray-serve.dashboard.cli-public-bind
  --dashboard-host 0.0.0.0 \
  --block
# ok: ray-serve.dashboard.cli-public-bind
ray start --head --dashboard-host 127.0.0.1
