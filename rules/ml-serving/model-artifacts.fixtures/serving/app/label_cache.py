"""A dataset's label cache: the code loads what it saved itself."""
import torch


class Labels:
    def __init__(self, root: str, cache_path: str):
        try:
            # its own output, saved below
            # ok: ml-serving.artifact.unsafe-load
            self.labels = torch.load(cache_path)
        except FileNotFoundError:
            self.labels = self.scan(root)
            torch.save(self.labels, cache_path)

    def scan(self, root: str) -> dict:
        return {"root": root}


def load_pretrained(weights_path: str):
    # a checkpoint from elsewhere: nothing here wrote it
    # ruleid: ml-serving.artifact.unsafe-load
    return torch.load(weights_path)


def save_checkpoint(state: dict, path: str) -> None:
    torch.save(state, path)


def load_checkpoint(path: str):
    # the same name in another function is another file: a checkpoint the caller picks
    # ruleid: ml-serving.artifact.unsafe-load
    return torch.load(path)
