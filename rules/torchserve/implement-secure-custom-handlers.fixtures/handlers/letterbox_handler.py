"""A detector handler whose module-level step letterboxes every image to a fixed size before the tensor."""
import cv2
import numpy as np
import torch
from ts.torch_handler.base_handler import BaseHandler

SIZE = 320


def preprocess_client(raw: bytes):
    img = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    img = cv2.resize(img, (SIZE, SIZE))
    assert img.shape[:2] == (SIZE, SIZE)
    return img.transpose(2, 0, 1).copy()


def unpack(raw: bytes):
    return np.frombuffer(raw, np.float32)


class FaceHandler(BaseHandler):
    def preprocess(self, data):
        payloads = [row.get("data") or row.get("body") for row in data]
        images = [preprocess_client(p) for p in payloads]
        # a preprocessing step named for it bounds the shape
        # ok: torchserve.handler.unvalidated-tensor
        return torch.from_numpy(np.stack(images))

    def raw_tensor(self, data):
        return data

    def handle(self, data, context):
        arrays = [unpack(row.get("body")) for row in data]
        # ruleid: torchserve.handler.unvalidated-tensor
        return torch.from_numpy(np.stack(arrays))


def letterbox(img, new_shape=640, stride=32, auto=True):
    h, w = img.shape[:2]
    r = min(new_shape / h, new_shape / w)
    return cv2.resize(img, (int(w * r), int(h * r))), r


class DetectorHandler(BaseHandler):
    def preprocess(self, data):
        img = cv2.imdecode(np.frombuffer(data[0].get("body"), np.uint8), cv2.IMREAD_COLOR)
        # YOLO's letterbox() scales every image to at most 640 on its long side
        im = letterbox(img, 640)[0]
        # ok: torchserve.handler.unvalidated-tensor
        return torch.from_numpy(im.transpose((2, 0, 1)).copy())
