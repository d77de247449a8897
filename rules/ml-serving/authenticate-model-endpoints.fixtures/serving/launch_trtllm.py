import subprocess

MODEL = "org/model"


def public_server(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        " ".join(
            [
                "trtllm-serve",
                MODEL,
                # ruleid: ml-serving.llm-server.no-api-key
                "--host", "0.0.0.0",
                "--port",
                str(port),
            ]
        ),
        shell=True,
    )


def local_server(port: int) -> subprocess.Popen:
    # TensorRT-LLM's server listens on localhost unless --host says otherwise
    # ok: ml-serving.llm-server.no-api-key
    return subprocess.Popen(["trtllm-serve", MODEL, "--port", str(port)])
