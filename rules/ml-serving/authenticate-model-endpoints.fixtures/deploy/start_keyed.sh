#!/bin/sh
# ok: ml-serving.llm-server.no-api-key-command
vllm serve "$MODEL" \
  --host 0.0.0.0 \
  --api-key "$SERVING_KEY"
