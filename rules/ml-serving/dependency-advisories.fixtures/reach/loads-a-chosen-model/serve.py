"""Serves the model the deployment names, so a checkpoint anyone published can reach torch.load."""
import os

from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained(os.environ["MODEL_ID"])
