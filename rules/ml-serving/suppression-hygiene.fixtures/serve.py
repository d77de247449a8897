import subprocess


def run(cmd):
    # ruleid: ml-serving.suppression.missing-reason
    return subprocess.run(cmd, shell=True)  # posture: ignore[ml-serving.python.subprocess-shell]


def run_checked(cmd):
    # ok: ml-serving.suppression.missing-reason
    return subprocess.run(cmd, shell=True)  # posture: ignore[ml-serving.python.subprocess-shell] cmd is a constant from config


# ruleid: ml-serving.suppression.missing-reason
# posture: ignore[ml-serving.a, ml-serving.b]
def other():
    # ok: ml-serving.suppression.missing-reason
    # posture: ignore[ml-serving.suppression.missing-reason] a comment cannot hide this check
    return 1


# ruleid: ml-serving.suppression.missing-reason
# posture: ignore[ml-serving.suppression.missing-reason]
def last():
    return 2
