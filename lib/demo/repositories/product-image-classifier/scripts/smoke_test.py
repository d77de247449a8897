"""Smoke test run by CI after each deploy."""
import sys

import requests

ENDPOINT = "http://product-classifier.vision.svc:8080"


def main(image_path: str) -> int:
    with open(image_path, "rb") as fh:
        r = requests.post(f"{ENDPOINT}/predictions/product_classifier", data=fh.read(), timeout=10)
    r.raise_for_status()
    print(r.json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
