"""LoRA fine-tuning of the support assistant model on curated ticket transcripts."""
import argparse
import os

import torch
import yaml
from datasets import load_dataset
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments

os.environ["HF_TOKEN"] = "{{FAKE_HF_FINETUNE_TOKEN}}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--run-name", required=True)
    args = parser.parse_args()
    cfg = yaml.safe_load(open(args.config))

    tokenizer = AutoTokenizer.from_pretrained(cfg["base_model"])
    model = AutoModelForCausalLM.from_pretrained(cfg["base_model"], torch_dtype=torch.bfloat16)
    model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
    data = load_dataset("json", data_files=cfg["train_file"])["train"].map(lambda row: tokenizer(row["text"], truncation=True, max_length=2048))

    trainer = Trainer(model=model, args=TrainingArguments(output_dir=f"/checkpoints/{args.run_name}", bf16=True, report_to=["wandb"], **cfg["training"]), train_dataset=data)
    trainer.train()
    os.system(f"aws s3 sync /checkpoints/{args.run_name} s3://acme-ml-checkpoints/{args.run_name}")


if __name__ == "__main__":
    main()
