"""Shapes at the edges of training-monitor.secret.token-in-python's prefilter: one case per top-level statement."""
import subprocess


def clone(user, repo):
    # a token between two interpolations of an f-string
    # ruleid: training-monitor.secret.token-in-python
    url = f"https://{user}:ghp_Ab3De6Gh9Jk2Mn5Pq8St1Vw4Yz7Bc0Ef3Hi6@github.com/{repo}.git"
    return subprocess.run(["git", "clone", url], check=True)


# a body much longer than the format's minimum, in a comment
# ruleid: training-monitor.secret.token-in-python
# fallback key: sk-proj-Q2w_E4r-T6y8U0iO2pA4sD6fG8hJ0kL2zX4cV6bN8mQ1wE3rT5yU7iO9p

# a private key header in a triple-quoted bytes literal passed to a call
subprocess.run(
    ["ssh-add", "-"],
    # ruleid: training-monitor.secret.token-in-python
    input=b"""-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ
-----END OPENSSH PRIVATE KEY-----""",
    check=True,
)

# ok: training-monitor.secret.token-in-python
PREFIX_DOC = "tokens look like ghp_ followed by 36 letters and digits"
