# Example code is read and copied, not deployed as it stands: a literal key in it is low.
import modal

app = modal.App("hello-openai")


@app.function()
def hello() -> str:
    # ruleid: modal.secrets.hardcoded-credential (low)
    headers = {"Authorization": "Bearer sk-Zq81mN0pL2kJ7hG6fD5s"}
    return headers["Authorization"][:6]
