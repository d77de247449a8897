import pytest
import requests


def post_prediction(model_name, data):
    # ok: torchserve.inference.unvalidated-model-name
    return requests.post(f"http://localhost:8080/predictions/{model_name}", data=data)


@pytest.mark.parametrize("model_name", ["mnist"])
def test_mnist(model_name):
    assert post_prediction(model_name, b"0").status_code == 200
