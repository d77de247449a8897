"""Try the assistant's model on a laptop before deploying it with Modal."""
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL = "mistralai/Mistral-7B-Instruct-v0.3"

tokenizer = AutoTokenizer.from_pretrained(MODEL, trust_remote_code=True)
model = AutoModelForCausalLM.from_pretrained(MODEL, trust_remote_code=True)

prompt = tokenizer.apply_chat_template([{"role": "user", "content": "Where is my order?"}], tokenize=False)
print(tokenizer.decode(model.generate(**tokenizer(prompt, return_tensors="pt"), max_new_tokens=64)[0]))
