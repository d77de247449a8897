#!/usr/bin/env bash
set -euo pipefail
ray start --head --num-cpus 8
# ruleid: ray-serve.cli.public-bind
serve start --http-host 0.0.0.0 --http-port 8000
serve deploy config/serve_prod.yaml
