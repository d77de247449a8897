"""A download script, not serving code: no web or serving framework is imported."""
import httpx

# ok: ml-serving.http.client-without-timeout
client = httpx.Client()


def read_local(path):
    with open(path, "rb") as f:
        # ok: ml-serving.web.unbounded-upload-read
        return f.read()
