#!/usr/bin/env bash
# Builds product_classifier.mar from the exported weights.
set -euo pipefail
torch-model-archiver --model-name product_classifier --version "$(git rev-parse --short HEAD)" \
  --serialized-file artifacts/resnet50_products.pt --handler image_classifier \
  --extra-files artifacts/index_to_name.json --export-path model-store --force
