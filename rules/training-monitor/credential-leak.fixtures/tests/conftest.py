# Fixtures of a test suite set stand-in credentials for the code under test: low, not critical.
import os

import pytest


@pytest.fixture(autouse=True)
def fake_cloud_credentials():
    # ruleid: training-monitor.credential.python-environ-literal (low)
    os.environ["AWS_SECRET_ACCESS_KEY"] = "tR4inJ0b/Sec7etK3y+ExAmPlE9zQ2wV8uN5mL1x"
    yield
