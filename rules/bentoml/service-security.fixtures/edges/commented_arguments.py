# A comment before the first argument is a child of the argument list too; it must not hide the argument.
import bentoml
from pathlib import Path


@bentoml.service
class Reports:
    @bentoml.api
    def report(self, name: str) -> str:
        # ruleid: bentoml.service.path-from-request
        return Path(  # the client's file name, as given
            name
        ).read_text()
