"""A JSON-only FastAPI service: no form or upload parameters, concrete model classes, its
weights read with safetensors."""
from fastapi import FastAPI
from pydantic import BaseModel
from safetensors.torch import load_file
from transformers import BertForSequenceClassification, BertTokenizerFast

app = FastAPI()
tokenizer = BertTokenizerFast.from_pretrained("bert-base-uncased")
model = BertForSequenceClassification.from_pretrained("bert-base-uncased")
# a name in a comment is not a use: RagRetriever, load_model
head = load_file("head.safetensors")


class Query(BaseModel):
    text: str


@app.post("/classify")
async def run(query: Query, request_form_count: int = 0):
    return model(**tokenizer(query.text, return_tensors="pt")).logits.tolist()
