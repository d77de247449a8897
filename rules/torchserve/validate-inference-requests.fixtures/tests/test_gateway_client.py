"""Unit tests of the gateway's TorchServe client, over a mock transport."""
import httpx
import pytest

TORCHSERVE_URL = "http://torchserve:8080/predictions/resnet"


def handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"label": "cat"})


@pytest.mark.asyncio
async def test_predict_returns_label():
    # a mock transport answers in-process: no network, nothing to time out
    # ok: torchserve.inference.client-without-timeout
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        response = await client.post(TORCHSERVE_URL, content=b"img")
    assert response.json() == {"label": "cat"}
