"""Edge cases for the modal gate and the reordered missing-timeout rule: modal imported beside other modules."""
import os, modal

app = modal.App("edges")


# ruleid: modal.function.missing-timeout
@app.function(
    gpu="A10G",
    memory=4096,
)
def embed(texts):
    return [len(t) for t in texts]


# ruleid: modal.function.missing-timeout
@app.cls(gpu=["H100", "A100"])
class Ranker:
    # ok: modal.function.missing-timeout
    @modal.method()
    def rank(self, items):
        return sorted(items)


# ok: modal.function.missing-timeout
@app.function(gpu="A10G", timeout=10 * 60)
def summarize(doc):
    return doc[:100]


# ok: modal.function.missing-timeout
@app.function(**{"timeout": 600, "gpu": os.environ.get("GPU", "T4")})
def splatted(doc):
    return doc


# a decorator that is not Modal's stays clean even in a Modal module
# ok: modal.function.missing-timeout
@staticmethod
def helper():
    return 1
