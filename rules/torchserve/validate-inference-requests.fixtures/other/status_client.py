"""A client of an internal status service that happens to listen on 8080: not TorchServe."""
import httpx

STATUS_URL = "http://status.internal:8080/health"

# ok: torchserve.inference.client-without-timeout
client = httpx.Client(base_url=STATUS_URL)
