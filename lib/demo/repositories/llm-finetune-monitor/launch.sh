#!/usr/bin/env bash
# Launches a LoRA fine-tuning run on the shared GPU pool.
set -euo pipefail
export WANDB_API_KEY={{FAKE_WANDB_KEY}}
export WANDB_PROJECT=support-assistant-ft
RUN_NAME=${1:-"lora-$(date +%Y%m%d-%H%M)"}
torchrun --nproc_per_node=4 train.py --config configs/lora_mistral.yaml --run-name "$RUN_NAME"
