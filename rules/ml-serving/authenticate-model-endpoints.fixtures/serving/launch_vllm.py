import os
import subprocess

MODEL = os.environ.get("MODEL_ID", "org/model")


def open_server(port: int) -> subprocess.Popen:
    # vLLM binds every interface unless --host says otherwise
    # ruleid: ml-serving.llm-server.no-api-key
    cmd = [
        "vllm",
        "serve",
        MODEL,
        "--port",
        str(port),
    ]
    return subprocess.Popen(cmd)


def open_server_module_form(port: int) -> subprocess.Popen:
    # ruleid: ml-serving.llm-server.no-api-key
    return subprocess.Popen(["python", "-m", "vllm.entrypoints.openai.api_server", "--model", MODEL, "--host", "0.0.0.0"])


def shell_form(port: int) -> None:
    # ruleid: ml-serving.llm-server.no-api-key
    os.system(f"vllm serve {MODEL} --host 0.0.0.0 --port {port}")


def local_only(port: int) -> subprocess.Popen:
    # ok: ml-serving.llm-server.no-api-key
    return subprocess.Popen(["vllm", "serve", MODEL, "--host", "127.0.0.1", "--port", str(port)])


def sglang_public() -> list[str]:
    # ruleid: ml-serving.llm-server.no-api-key
    return ["python3", "-m", "sglang.launch_server", "--model-path", MODEL, "--host", "0.0.0.0", "--port", "30000"]


def sglang_default_host() -> list[str]:
    # SGLang listens on 127.0.0.1 unless told otherwise
    # ok: ml-serving.llm-server.no-api-key
    return ["python3", "-m", "sglang.launch_server", "--model-path", MODEL, "--port", "30000"]


def llama_cpp_public() -> str:
    # ruleid: ml-serving.llm-server.no-api-key
    return "llama-server -m /models/model.gguf --host 0.0.0.0 --port 8080"


def tgi_default() -> list[str]:
    # ruleid: ml-serving.llm-server.no-api-key
    return ["text-generation-launcher", "--model-id", MODEL, "--port", "8080"]


def unrelated_strings() -> list[str]:
    # mentions the engines as choices, launches nothing
    # ok: ml-serving.llm-server.no-api-key
    return ["huggingface", "vllm", "sglang"]
