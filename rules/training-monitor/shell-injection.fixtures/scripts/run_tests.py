# An operator's script (no web or serving framework here): its commands are built from its own arguments, not
# a caller's, so the pattern checks do not report them (a request that reaches a shell is the data-flow checks').
import os

REPO_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def run_unit_tests():
    test_dir = os.path.join("ts", "tests", "unit_tests")
    report = os.path.join(test_dir, "coverage.xml")
    cmd = f"python -m pytest --cov-report xml:{report} {test_dir}"
    # ok: training-monitor.shell.os-system-interpolated
    return os.system(cmd)


def build_archive(model_name: str):
    cmd = f"torch-model-archiver --model-name {model_name} --export-path {REPO_ROOT}"
    # ok: training-monitor.shell.os-system-interpolated
    return os.system(cmd)


def compile_protos():
    # the same name in another function is a different variable
    cmd = (
        "python -m grpc_tools.protoc --proto_path=proto"
        " --python_out=. --grpc_python_out=. proto/inference.proto"
    )
    # ok: training-monitor.shell.os-system-interpolated
    return os.system(cmd)
