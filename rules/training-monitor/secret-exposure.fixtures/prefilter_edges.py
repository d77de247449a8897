"""Shapes at the edges of training-monitor.secret.hardcoded-literal's prefilter: one case per top-level statement."""
import requests
from tracking import Client, connect

# mixed-case names (a case-sensitive literal list would miss "PASSword" or "Pwd")
# ruleid: training-monitor.secret.hardcoded-literal
PASSword = "Qv7-mR2p!xW9"

# ruleid: training-monitor.secret.hardcoded-literal
Pwd = "Lk3$vB8nQ1zR"

# a comment between the keyword and its value, inside a multi-line call
client = Client(
    # ruleid: training-monitor.secret.hardcoded-literal
    api_key=  # the team's shared key
        "Hj4kL9mQ2wE7rT5y",
    project="vision",
)

# the keyword on one line, "=" on the next
session = connect(
    "tracking.internal",
    # ruleid: training-monitor.secret.hardcoded-literal
    auth_token
    = "Zx8cV2bN6mQ4wE1r",
)

# a comment between a dict key and its value
headers = {
    # ruleid: training-monitor.secret.hardcoded-literal
    "X-Api-Key":
        # rotated monthly
        'Pq9wE3rT7yU1iO5a',
}

# backslash continuation and a raw-bytes prefix
# ruleid: training-monitor.secret.hardcoded-literal
signing_key = \
    rb"Mn5bV8cX2zL6kJ4h"

# spaces inside the subscript, upper-case string prefix
settings = {}
# ruleid: training-monitor.secret.hardcoded-literal
settings[ 'client_secret' ] = R"Ty7uI2oP9aS4dF6g"

# an f-string key whose content ends where an interpolation starts
suffix = "prod"
# ruleid: training-monitor.secret.hardcoded-literal
vault = {f"db_password{suffix}": "Gh3jK8lZ5xC1vB9n"}

# an annotated attribute with a bracketed annotation
class Uploader:
    def __init__(self):
        # ruleid: training-monitor.secret.hardcoded-literal
        self.access_token: dict[str, str] | str = "Wq2eR6tY9uI3oP7a"


# an annotation whose brackets span lines
# ruleid: training-monitor.secret.hardcoded-literal
refresh_token: dict[
    str, str
] | str = "Kd8fG3hJ6kL1zX5c"


# a parameter whose default sits on the line after its annotation
def fetch(
    url: str,
    # ruleid: training-monitor.secret.hardcoded-literal
    bearer_token: str
    = "Vb4nM7qW2eR9tY6u",
):
    return requests.get(url, timeout=10)


# a parameter annotated across lines without brackets of its own, then a comment before the default
def upload(
    # ruleid: training-monitor.secret.hardcoded-literal
    PRIVATE_KEY: str
    | None =  # PEM body
    "Yu6iO1pA8sD3fG7h",
):
    return None


# an Authorization header keyword with a comment before the value
response = requests.get(
    "https://models.internal/v1",
    # ruleid: training-monitor.secret.hardcoded-literal
    Authorization=  # service account
    "Bearer Nm4bV7cX1zQ9wE3rT6yU",
    timeout=10,
)

# ok: training-monitor.secret.hardcoded-literal
def login(user: str, password: str, api_key: str | None = None):
    return (user, password, api_key)
