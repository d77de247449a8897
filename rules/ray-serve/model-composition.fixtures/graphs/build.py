"""Graph wiring."""
from ray import serve

from pipeline.nodes import Decode, Detect, Track, Report

# ruleid: ray-serve.pipeline.bind-forward-reference
detect = Detect.bind(track)
track = Track.bind(detect)

decode = Decode.bind()
# ok: ray-serve.pipeline.bind-forward-reference
report = Report.bind(decode, summary=decode)


def build_graph(config):
    # ruleid: ray-serve.pipeline.bind-forward-reference
    head = Report.bind(config, tail=tail)
    tail = Decode.bind(head)
    return head


def rebuild(config, tail):
    # ok: ray-serve.pipeline.bind-forward-reference
    head = Report.bind(config, tail)
    tail = Decode.bind(head)
    return head


# a chain built in a loop: the first iteration uses the node bound above the loop
prev = Decode.bind()
for _ in range(3):
    # ok: ray-serve.pipeline.bind-forward-reference
    step = Detect.bind(prev)
    prev = Track.bind(step)
