"""Shapes at the edges of the path-traversal prefilters: one case per function."""
import os
from pathlib import Path

from flask import Flask, request

server = Flask(__name__)
BASE = Path("/srv/files")


@server.delete("/dirs")
def drop_dirs():
    # a sink whose name is not a prefix of another sink's name (removedirs)
    # ruleid: training-monitor.path.request-data
    os.removedirs(request.args["dir"])
    return "", 204


@ server.route("/scratch/<path>", methods=["DELETE"])
def drop_scratch(path):
    # space after "@" in the decorator, space before the call's arguments
    # ruleid: training-monitor.path.request-data
    Path(BASE, path).unlink ()
    return "", 204


class ArchiveHandler:
    def  preprocess(self, data):
        # two spaces after "def", a comment between the sink's name and its arguments
        streams = []
        for row in data:
            streams.append(
                # ruleid: training-monitor.path.request-data
                open  # raw bytes of the referenced file
                (row.get("path"), "rb")
            )
        return streams


def dump_keys(home):
    # an f-string path climbing out of an interpolated directory
    # ruleid: training-monitor.path.dotdot-literal
    return open(f"{home}/../../.ssh/id_rsa").read()


def windows_ini():
    # upper case and backslashes in a raw string
    # ruleid: training-monitor.path.dotdot-literal
    return Path(r"..\..\WINDOWS\System32\drivers\etc\hosts").read_text()


def local_config():
    # ok: training-monitor.path.dotdot-literal
    return open("../configs/train.yaml").read()
