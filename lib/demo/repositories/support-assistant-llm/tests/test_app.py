import os

import pytest

# A stand-in token: the chat endpoint only checks that one is configured.
HF_TOKEN = "{{FAKE_HF_TEST_TOKEN}}"


@pytest.fixture(autouse=True)
def fake_token(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)


def test_token_is_read_from_the_environment():
    assert os.environ["HF_TOKEN"].startswith("hf_")
