import modal
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

app = modal.App("inference")

# ok: modal.image.unpinned-pip-install
image = modal.Image.debian_slim(python_version="3.11").pip_install("torch==2.3.1", "transformers==4.44.2", "-U")

unpinned = modal.Image.debian_slim().pip_install(
    # ruleid: modal.image.unpinned-pip-install
    "torch",
    # ruleid: modal.image.unpinned-pip-install
    "transformers",
    # ok: modal.image.unpinned-pip-install
    "numpy>=1.26,<2",
)


# ok: modal.function.missing-timeout
@app.function(image=image, gpu="A10G", memory=8192, timeout=300, retries=2)
def generate(prompt: str) -> str:
    # ok: modal.function.trust-remote-code
    model = AutoModelForCausalLM.from_pretrained("org/model", trust_remote_code=False)
    return model(prompt)


# works on what its callers pass: a hang on bad input holds the container
# ruleid: modal.function.missing-timeout
@app.function()
def unlimited(data):
    return data


# ruleid: modal.function.missing-timeout
@app.function(image=image, gpu="T4")
def unsafe_model(name: str):
    model = AutoModelForCausalLM.from_pretrained(
        name,
        # ruleid: modal.function.trust-remote-code
        trust_remote_code=True,
    )
    # ruleid: modal.function.trust-remote-code
    tok = AutoTokenizer.from_pretrained(name, revision="main", trust_remote_code=True)
    return model, tok


# ruleid: modal.function.missing-timeout
@app.function
def bare(data):
    return data


COMMON = {"timeout": 600, "memory": 4096}


# ok: modal.function.missing-timeout
@app.function(**COMMON)
def with_shared_limits(data):
    return data


# ok: modal.function.missing-timeout
@app.cls(gpu="T4", memory=8192, timeout=300, container_idle_timeout=60)
class Model:
    @modal.enter()
    def load(self):
        # ok: modal.function.trust-remote-code
        self.pipe = pipeline("text-generation", model="gpt2", trust_remote_code=False)

    # ok: modal.function.missing-timeout
    @modal.method()
    def generate(self, prompt: str) -> str:
        return self.pipe(prompt)[0]["generated_text"]


listed = modal.Image.debian_slim().uv_pip_install(
    [
        # ruleid: modal.image.unpinned-pip-install
        "vllm",
        # ok: modal.image.unpinned-pip-install
        "fastapi==0.115.0",
    ]
)


# ruleid: modal.function.missing-timeout
@app.function(gpu=None, cpu=2)
def cpu_only(data):
    return data


# a one-off task with no input (modal run app.py::create_tables): Modal's default bound costs little
# ok: modal.function.missing-timeout
@app.function()
def create_tables():
    return None


# a CPU web app: Modal bounds each request itself
# ok: modal.function.missing-timeout
@app.function(image=image)
@modal.asgi_app()
def frontend():
    return None


# ok: modal.function.missing-timeout
@app.function(schedule=modal.Period(hours=1))
def hourly():
    return None


# ok: modal.function.missing-timeout
@app.function(image=image, gpu="A100", timeout=900)
def load_variants(name: str):
    from transformers import LlamaForCausalLM
    import vllm

    # a concrete class ignores the flag: nothing is imported from the repository
    # ok: modal.function.trust-remote-code
    base = LlamaForCausalLM.from_pretrained(name, trust_remote_code=True)
    # ruleid: modal.function.trust-remote-code
    pipe = pipeline("text-generation", model=name, trust_remote_code=True)
    # ruleid: modal.function.trust-remote-code
    llm = vllm.LLM(model=name, trust_remote_code=True, max_model_len=4096)
    return base, pipe, llm
