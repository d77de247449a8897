"""Checkpoint downloads must never leave the checkpoint root."""
import pytest

from monitor import app

# Relative to the test's working directory in CI (/workspace/tests): the host's /etc/hostname.
TARGET = "../../../etc/hostname"


@pytest.fixture
def client():
    return app.test_client()


def test_download_refuses_parent_directories(client):
    # The target must exist, or a 404 would prove nothing.
    with open("../../../etc/hostname") as fh:
        assert fh.read().strip()
    assert client.get("/download", query_string={"file": TARGET}).status_code == 404
