#!/usr/bin/env bash
set -euo pipefail
# ruleid: torchserve.mar.world-writable-model-store
torchserve --start --ncs --model-store /tmp/model-store --models all
# ok: torchserve.mar.world-writable-model-store
torchserve --start --ncs --model-store /home/model-server/model-store --models all
