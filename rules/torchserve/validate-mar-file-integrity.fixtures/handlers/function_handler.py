"""A function handler: TorchServe calls handle(data, context)."""
import dill

# ruleid: torchserve.mar.pickle-model-load
_MODEL = dill.load(open("pipeline.dill", "rb"))


def handle(data, context):
    if data is None:
        return None
    # request payloads belong to the custom-handler policy, not to this one
    # ok: torchserve.mar.pickle-model-load
    batch = [dill.loads(row.get("body")) for row in data]
    return [_MODEL(item) for item in batch]
