import shutil


def copy_hive(dst):
    # ruleid: training-monitor.path.dotdot-literal
    shutil.copy("..\\..\\Windows\\System32\\config\\SAM", dst)


def read_local(dst):
    # ok: training-monitor.path.dotdot-literal
    shutil.copy("..\\data\\weights.bin", dst)
