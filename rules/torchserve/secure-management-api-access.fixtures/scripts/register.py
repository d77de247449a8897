"""Operator CLI: not a web route, so the caller is whoever runs the script."""
import sys

import requests


def register(url):
    # ok: torchserve.management.user-supplied-model-url
    return requests.post("http://127.0.0.1:8081/models", params={"url": url}, timeout=120)


if __name__ == "__main__":
    print(register(sys.argv[1]).json())
