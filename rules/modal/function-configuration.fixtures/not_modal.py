# A Flask app: `@app.function`-shaped decorators outside a Modal module are not Modal functions.
from flask import Flask

app = Flask(__name__)


# ok: modal.function.missing-timeout
@app.function()
def handler():
    return "ok"
