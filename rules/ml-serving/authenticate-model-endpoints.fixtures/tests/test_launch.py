import subprocess


def test_server_starts() -> None:
    # ruleid: ml-serving.llm-server.no-api-key (low)
    proc = subprocess.Popen(["vllm", "serve", "facebook/opt-125m"])
    proc.terminate()
