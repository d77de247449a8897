from fastapi import FastAPI  # a module of the monitor's web app: its values may come from a request
import asyncio


async def convert(model_dir: str) -> bytes:
    # ruleid: training-monitor.shell.os-system-interpolated
    proc = await asyncio.create_subprocess_shell(f"python convert.py {model_dir}", stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    return out
