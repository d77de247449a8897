#!/bin/bash
set -euo pipefail
if [[ "${1:-}" == "serve" ]]; then
    # ruleid: torchserve.management.token-auth-disabled
    torchserve --start --ts-config /home/model-server/config.properties --disable-token-auth --ncs
else
    # ok: torchserve.management.token-auth-disabled
    torchserve --start --ts-config /home/model-server/config.properties --ncs
fi
tail -f /dev/null
