import os
import shutil
import ssl
import subprocess

import modal
import requests

image = (
    modal.Image.debian_slim()
    # ruleid: ml-serving.code.download-piped-to-shell
    .run_commands("curl -fsSL https://deb.example.com/setup_22.x | bash -", "apt-get install -y nodejs")
    # ok: ml-serving.code.download-piped-to-shell
    .run_commands("curl -fsSLo /tmp/node.tgz https://example.com/node.tgz && tar -xzf /tmp/node.tgz -C /opt")
)


def install_tool():
    # ruleid: ml-serving.code.download-piped-to-shell
    os.system("wget -qO- https://example.com/get.sh | sh")
    # ok: ml-serving.code.download-piped-to-shell
    subprocess.run(["curl", "-fsSLo", "/tmp/get.sh", "https://example.com/get.sh"], check=True)


def fetch(url: str) -> bytes:
    # ruleid: ml-serving.code.tls-verification-disabled
    insecure = requests.get(url, verify=False, timeout=10)
    # ok: ml-serving.code.tls-verification-disabled
    checked = requests.get(url, verify="/etc/ssl/internal-ca.pem", timeout=10)
    return insecure.content + checked.content


def open_curl(args: list[str]) -> subprocess.Popen[bytes]:
    # ruleid: ml-serving.code.tls-verification-disabled
    commands = [shutil.which("curl"), "--silent", "--insecure", "--location"]
    commands.extend(args)
    return subprocess.Popen(commands, stdout=subprocess.PIPE)


def legacy_context() -> ssl.SSLContext:
    # ruleid: ml-serving.code.tls-verification-disabled
    ctx = ssl._create_unverified_context()
    # ruleid: ml-serving.code.tls-verification-disabled
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def model_config(verify: bool = False) -> dict:
    # ok: ml-serving.code.tls-verification-disabled
    return dict(verify=False, strict=True)


def list_models(url: str) -> int:
    # ok: ml-serving.code.download-piped-to-shell
    return os.system(f"curl -s {url}/v1/models | python3 -m json.tool")


def local_management() -> int:
    # the local server's self-signed certificate: nothing on the path to swap it
    # ok: ml-serving.code.tls-verification-disabled
    return requests.get("https://localhost:8081/models", verify=False, timeout=5).status_code


def server_options() -> dict:
    # a server that asks callers for no client certificate
    # ok: ml-serving.code.tls-verification-disabled
    ssl_cert_reqs = ssl.CERT_NONE
    return {"ssl_cert_reqs": ssl_cert_reqs}
