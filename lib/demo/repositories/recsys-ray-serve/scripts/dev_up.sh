#!/usr/bin/env bash
# Local development: a single-node Ray cluster with the home-feed app.
set -euo pipefail
ray start --head --num-cpus 8
serve start --http-host 0.0.0.0 --http-port 8000
serve deploy config/serve_config.yaml
