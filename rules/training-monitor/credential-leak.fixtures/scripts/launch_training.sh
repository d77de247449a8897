#!/usr/bin/env bash
set -euo pipefail

# ruleid: training-monitor.credential.shell-literal
export AWS_ACCESS_KEY_ID=AKIAQ3EXAMPLE7TRAIN1
# ruleid: training-monitor.credential.shell-literal
export AWS_SECRET_ACCESS_KEY="tR4inJ0b/Sec7etK3y+ExAmPlE9zQ2wV8uN5mL1x"
# a filler value stands for the token (redact.ts isPlaceholderSecret)
# ok: training-monitor.credential.shell-literal
export MODAL_TOKEN_ID=xxxx
# ok: training-monitor.credential.shell-literal
export HF_TOKEN=YOUR_HF_TOKEN
# ok: training-monitor.credential.shell-literal
export OPENAI_API_KEY="<your-key>"
# ruleid: training-monitor.credential.shell-literal
MODAL_TOKEN_SECRET='as-3Kx4Vw9Zp1Qm2Lx8Rt7W' modal run train.py
# ruleid: training-monitor.credential.shell-literal
docker run --rm -e HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 trainer:latest

# ok: training-monitor.credential.shell-literal
export AWS_ACCESS_KEY_ID=$FROM_VAULT
# ok: training-monitor.credential.shell-literal
export AWS_SECRET_ACCESS_KEY="$(vault kv get -field=secret_key secret/training/aws)"
# ok: training-monitor.credential.shell-literal
export AWS_SESSION_TOKEN="${AWS_SESSION_TOKEN:-}"
# ok: training-monitor.credential.shell-literal
export AWS_ACCESS_KEY_ID=$(jq -r '.AccessKeyId' creds.json)
# ok: training-monitor.credential.shell-literal
export AWS_REGION=us-east-1
# ok: training-monitor.credential.shell-literal
export GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/gcp/key.json
# ok: training-monitor.credential.shell-literal
export AWS_SECRET_ACCESS_KEY=
# ok: training-monitor.credential.shell-literal
# export AWS_SECRET_ACCESS_KEY=tR4inJ0b/Sec7etK3y+ExAmPlE9zQ2wV8uN5mL1x
# ok: training-monitor.credential.shell-literal
if [ -z "$AWS_SECRET_ACCESS_KEY" ]; then echo "AWS_SECRET_ACCESS_KEY is not set" >&2; exit 1; fi
# ok: training-monitor.credential.shell-literal
docker run --rm -e HF_TOKEN -e "WANDB_API_KEY=${WANDB_API_KEY}" trainer:latest
# ok: training-monitor.credential.shell-literal
export AWS_ACCESS_KEY_ID=testing
# ok: training-monitor.credential.shell-literal
modal secret create training-secrets HF_TOKEN="$HF_TOKEN"
