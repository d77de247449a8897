from github import Github
from openai import OpenAI

# Tokens in well-known formats are reported wherever they appear, not only under a secret-looking name.
# ruleid: training-monitor.secret.token-in-python (critical)
gh = Github("ghp_0123456789abcdefABCDEF0123456789abcd")
# ok: training-monitor.secret.token-in-python
gh = Github(auth=None)

# ruleid: training-monitor.secret.token-in-python
# modal token set ak-9Fq2Lm8Rt7Wc1Zp3Kx4V as-3Kx4Vw9Zp1Qm2Lx8Rt7W

# ok: training-monitor.secret.token-in-python
# set MODAL_TOKEN_ID / MODAL_TOKEN_SECRET in the environment, e.g. ak-xxxxxxxxxxxxxxxxxxxx

SLACK = {
    # ruleid: training-monitor.secret.token-in-python
    "webhook": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
}

# the same token under a secret-looking name is reported once, by the name-based check
# ok: training-monitor.secret.token-in-python
# ruleid: training-monitor.secret.hardcoded-literal
client = OpenAI(api_key="sk-proj-Ab3De6Gh9Jk2Mn5Pq8St1Vw4Yz7Bc0Ef3Hi6")

# ok: training-monitor.secret.token-in-python
MODEL_ID = "sk-learn-classifier"
# ok: training-monitor.secret.token-in-python
HUB_REPO = "hf_internal_testing/tiny-random-bert"


def search_url():
    # ruleid: training-monitor.secret.token-in-python
    return "https://www.googleapis.com/customsearch/v1?key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q&cx=017"
