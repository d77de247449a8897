#!/usr/bin/env bash
set -euo pipefail
# ruleid: ml-serving.env.trust-remote-code
export HF_DATASETS_TRUST_REMOTE_CODE=1
# ok: ml-serving.env.trust-remote-code
export HF_DATASETS_TRUST_REMOTE_CODE=0
# a comment that mentions --trust-remote-code is not a command
# ok: ml-serving.cli.trust-remote-code
python -m vllm.entrypoints.openai.api_server \
  --model "$MODEL" \
  # ruleid: ml-serving.cli.trust-remote-code
  --trust-remote-code \
  --port 8000
# ruleid: ml-serving.env.trust-remote-code
TRUST_REMOTE_CODE=true python train.py model.name="$MODEL"
# ruleid: ml-serving.env.trust-remote-code
python train.py model.trust_remote_code=True
# ruleid: ml-serving.cli.trust-remote-code
llamafactory-cli train --model_name_or_path "$MODEL" --trust_remote_code True
# ok: ml-serving.cli.trust-remote-code
llamafactory-cli train --model_name_or_path "$MODEL" --trust_remote_code False
