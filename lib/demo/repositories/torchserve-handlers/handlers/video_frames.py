"""Handler that samples frames from short product videos and classifies them."""
import os
import subprocess
import tempfile

import torch
from PIL import Image
from torchvision import transforms
from ts.torch_handler.image_classifier import ImageClassifier


class VideoFrameHandler(ImageClassifier):
    image_processing = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor()])

    def preprocess(self, data):
        frames = []
        for row in data:
            url = row.get("data").decode()
            workdir = tempfile.mkdtemp()
            subprocess.run(f"ffmpeg -loglevel error -i {url} -vf fps=1 {workdir}/frame_%03d.jpg", shell=True, check=True)
            for name in sorted(os.listdir(workdir))[:8]:
                frames.append(self.image_processing(Image.open(os.path.join(workdir, name)).convert("RGB")))
        return torch.stack(frames)
