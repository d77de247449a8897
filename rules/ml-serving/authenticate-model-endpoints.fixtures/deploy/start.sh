#!/bin/sh
set -e
# ruleid: ml-serving.llm-server.no-api-key-command
python -m sglang.launch_server --model-path "$MODEL" --host 0.0.0.0 --port 30000 &
# ok: ml-serving.llm-server.no-api-key-command
python -m sglang.launch_server --model-path "$MODEL" --port 30001 &
# ok: ml-serving.llm-server.no-api-key-command
vllm serve "$MODEL" --host 127.0.0.1 --port 8001 &
# ruleid: ml-serving.llm-server.no-api-key-command
text-generation-launcher --model-id "$MODEL" --port 8080
# ruleid: ml-serving.llm-server.no-api-key-command
trtllm-serve "$MODEL" --host 0.0.0.0 --port 8002 &
# ok: ml-serving.llm-server.no-api-key-command
trtllm-serve "$MODEL" --port 8003 &
# restarting: the old server is stopped by name, not started
# ok: ml-serving.llm-server.no-api-key-command
pkill -f "vllm serve" || true
# ok: ml-serving.llm-server.no-api-key-command
pgrep -f "vllm serve $MODEL" >/dev/null && echo running
