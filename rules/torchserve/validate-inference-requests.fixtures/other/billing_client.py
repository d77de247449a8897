"""Unrelated service client: httpx defaults are this team's call, not a TorchServe concern."""
import httpx

# ok: torchserve.inference.client-without-timeout
billing = httpx.Client(base_url="https://billing.internal.example.com")
