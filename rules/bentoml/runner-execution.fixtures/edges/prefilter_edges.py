# Edge shapes for the runner-execution prefilters: spacing, multi-line calls, comments, aliases.
# One case per top-level statement, so each case has to pass its check's prefilter on its own.
import asyncio
import os
import subprocess
from os import system

import bentoml
import pandas as pd
from dill import (
    load as dill_load,
)
from joblib import load
from vendored.compat import (
    cloudpickle  # pinned copy
    as cpk,
)

model_ref = bentoml.models.get("summarizer:latest")

# ruleid: bentoml.runner.no-batching-limits
summarizer = model_ref.to_runner(
    name="summarizer",
)

# ruleid: bentoml.runner.no-batching-limits
spare = bentoml.Runner (
    bentoml.Runnable,
    name="spare",
)

# ruleid: bentoml.runner.no-batching-limits
legacy_runner = bentoml.legacy.Runner(  # bounds come from configuration.yaml, but not here
    bentoml.Runnable,
)


class IndexRunnable(bentoml.legacy.Runnable):
    def __init__(self):
        # ruleid: bentoml.runner.pickle-deserialization
        self.index = cpk.loads(open("/models/index.bin", "rb").read())


class VocabRunnable(bentoml.Runnable):
    def __init__(self):
        # ruleid: bentoml.runner.pickle-deserialization
        self.vocab = dill_load(open("/models/vocab.dill", "rb"))


class UnpackRunnable(bentoml.Runnable):
    @ bentoml.Runnable.method(batchable=False)
    # ok: bentoml.runner.method-without-input-checks
    def unpack(self, name: str):
        if "/" in name:
            raise ValueError("bad name")
        # ruleid: bentoml.runner.shell-command
        subprocess.run(
            f"tar xzf /archives/{name}.tgz",
            shell = True,
            check=True,
        )


class GunzipRunnable(bentoml.Runnable):
    def gunzip(self, name: str):
        # ruleid: bentoml.runner.shell-command
        return subprocess.Popen(f"gzip -d {name}",  # needs globbing
                                shell=  # the shell expands the glob
                                True)


class ListingRunnable(bentoml.Runnable):
    def listing(self, name: str):
        # ruleid: bentoml.runner.shell-command
        return subprocess.getstatusoutput("ls " + name)


@bentoml.service(resources={"cpu": "2"})
class Frames:
    def __init__(self) -> None:
        # ruleid: bentoml.runner.pickle-deserialization
        self.frame = pd.read_pickle("/models/frame.pkl")


@bentoml.service
class Classifier:
    def __init__(self) -> None:
        # ruleid: bentoml.runner.pickle-deserialization
        self.clf = load("/models/clf.joblib")


@bentoml.service
class Renderer:
    @bentoml.api
    def render(self, report: str) -> str:
        # ruleid: bentoml.runner.shell-command
        system (f"/opt/render.sh {report}")
        return report


@bentoml.service
class Lister:
    @bentoml.api
    def files(self, report: str) -> str:
        # ruleid: bentoml.runner.shell-command
        return (os.popen  # keep the legacy tool
                (f"ls /reports/{report}").read())


@bentoml.service
class Builder:
    @bentoml.task
    async def rebuild(self, target: str) -> None:
        # ruleid: bentoml.runner.shell-command
        await asyncio.create_subprocess_shell(f"make {target}")
