# A test's stand-in credentials: a secret-named literal is low; a value in a live token format is medium, since
# a real token pasted into a test is as leaked as anywhere else.
from github import Github

# ruleid: training-monitor.secret.hardcoded-literal (low)
config = {"password": "Pa55word-2024!"}


def test_client():
    # ruleid: training-monitor.secret.token-in-python (medium)
    gh = Github("ghp_0123456789abcdefABCDEF0123456789abcd")
    assert gh
