#!/bin/sh
set -eu
# ruleid: ml-serving.build.download-piped-to-shell
curl https://raw.githubusercontent.com/example/manifests/latest/agent.yaml \
| sed "s/{{cluster_name}}/${CLUSTER}/;s/{{region}}/${REGION}/" | kubectl apply -f -
# ruleid: ml-serving.build.download-piped-to-shell
curl -s https://example.com/install.sh | sudo bash
# ok: ml-serving.build.download-piped-to-shell
kubectl apply -f manifests/agent.yaml
# ok: ml-serving.build.download-piped-to-shell
curl -s https://example.com/status | jq .ready
# ruleid: ml-serving.build.tls-verification-disabled
git -c http.sslVerify=false clone https://git.internal.example/models.git
# ok: ml-serving.build.download-piped-to-shell
curl --silent "${API_URL}/v1/models" | python3 -m json.tool
# ok: ml-serving.build.download-piped-to-shell
echo "install poetry with: curl -sSL https://install.python-poetry.org | python3 -"
# ruleid: ml-serving.build.download-piped-to-shell
curl -sSL https://install.example.org | python3 - --version 1.8.3
# ruleid: ml-serving.build.download-piped-to-shell
wget -qO- https://example.org/get.pl | perl
# an install hint printed when a tool is missing is not a download that runs
# ok: ml-serving.build.download-piped-to-shell
command -v uv >/dev/null 2>&1 || { echo "uv is required. Install with: curl -LsSf https://astral.sh/uv/install.sh | sh"; exit 1; }
# ruleid: ml-serving.build.download-piped-to-shell
command -v uv >/dev/null 2>&1 || { echo "installing uv"; curl -LsSf https://astral.sh/uv/install.sh | sh; }
