"""Runs notebook cells on a kernel through jupyter_client and prints what the client received, as JSON.

Usage: python3 jupyter_driver.py SPEC.json > RESULT.json
SPEC: {"kernel": NAME, "cells": [CODE, ...], "ready_timeout": S, "cell_timeout": S}
RESULT: [{"reply": <execute_reply content>, "outputs": [{"type": MSG_TYPE, "content": {...}}, ...]}, ...]
The kernel is shut down on every path (and killed if it does not stop in time).
"""
import json
import sys

from jupyter_client.manager import KernelManager


def run_cell(kc, code, timeout):
    msg_id = kc.execute(code)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)  # raises queue.Empty when the kernel goes silent
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
        if kind in ("stream", "display_data", "execute_result", "error"):
            outputs.append({"type": kind, "content": msg["content"]})
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return {"reply": reply["content"], "outputs": outputs}


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    km = KernelManager(kernel_name=spec["kernel"])
    km.shutdown_wait_time = 5
    km.start_kernel()
    kc = None
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=spec["ready_timeout"])
        results = [run_cell(kc, code, spec["cell_timeout"]) for code in spec["cells"]]
        json.dump(results, sys.stdout)
    finally:
        if kc is not None:
            kc.stop_channels()
        km.shutdown_kernel(now=False)  # polite first; jupyter_client kills the kernel after shutdown_wait_time


if __name__ == "__main__":
    main()
