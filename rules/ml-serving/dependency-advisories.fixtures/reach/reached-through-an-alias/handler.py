import torch as t
from starlette.requests import Request


async def handle(request: Request):
    form = await request.form()
    return t.load(form["checkpoint"].file, weights_only=True)
