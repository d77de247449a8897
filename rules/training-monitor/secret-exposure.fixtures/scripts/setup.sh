#!/usr/bin/env bash
set -euo pipefail
# ruleid: training-monitor.secret.token-in-text
git clone https://ghp_0123456789abcdefABCDEF0123456789abcd@github.com/acme/private-data.git
# ok: training-monitor.secret.token-in-text
git clone "https://${GITHUB_TOKEN}@github.com/acme/private-data.git"
# reported by the Credential Leak policy (training-monitor.credential.shell-literal), not twice
# ok: training-monitor.secret.token-in-text
export HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789
# ruleid: training-monitor.secret.token-in-text
curl -H "Authorization: Bearer sk-Ab3De6Gh9Jk2Mn5Pq8St1Vw4Yz7Bc0Ef3Hi6" https://api.openai.com/v1/models
# ok: training-monitor.secret.token-in-text
curl -H "Authorization: Bearer sk-XXXXXXXXXXXXXXXXXXXXXXXX" https://api.openai.com/v1/models
