#!/usr/bin/env bash
ray start --head
# ok: ray-serve.cli.public-bind
serve start --http-host 127.0.0.1 --http-port 8000
# ok: ray-serve.cli.public-bind
python -m http.server --bind 0.0.0.0
