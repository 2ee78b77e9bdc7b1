"""One Python side of bench/run.mjs, driven over stdin/stdout (one JSON object per line).

bench/run.mjs starts two of these under Debian's /usr/bin/python3: `worker.py 1` with
OPENBLAS/OMP/MKL_NUM_THREADS=1 and torch.set_num_threads(1), and `worker.py all` with those
variables unset and torch.set_num_threads(os.cpu_count()). Keeping them alive lets run.mjs interleave the @gen and PyTorch loops
round by round, so load from elsewhere on the machine hits both sides of a ratio alike.

Commands: {"cmd": "setup", "module": "<twin module>", "config": {...}} builds a workload
(replies {"skipped": why} when a module it needs is missing); {"cmd": "loop", "count": k} runs
k steps back to back, reads the last result back once and replies the ms per step measured
here (no pipe overhead); {"cmd": "dispose"} drops the workload.
"""

import importlib
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def read_back(out):
    """The first value of the step's result, which forces the step to have finished."""
    if isinstance(out, (int, float)):
        return float(out)
    if isinstance(out, dict):
        out = out["value"]
    if hasattr(out, "reshape") and hasattr(out, "item"):
        return float(out.reshape(-1)[0].item())
    return float(out)


def versions(mode):
    found = {"python": sys.version.split()[0], "mode": mode}
    try:
        import torch

        # Debian's torch reports omp_get_max_threads() = 1 on some machines even with
        # OMP_NUM_THREADS unset, so the multi-threaded side asks for every core explicitly.
        found["torchDefaultThreads"] = torch.get_num_threads()
        torch.set_num_threads(1 if mode == "1" else os.cpu_count())
        found["torch"] = torch.__version__
        found["torchThreads"] = torch.get_num_threads()
    except ImportError as error:
        found["torchMissing"] = str(error)
    for name in ("numpy", "ot", "sklearn"):
        try:
            found[name] = importlib.import_module(name).__version__
        except ImportError as error:
            found[f"{name}Missing"] = str(error)
    return found


def handle(message, state):
    cmd = message["cmd"]
    if cmd == "setup":
        try:
            module = importlib.import_module(message["module"])
        except ImportError as error:
            return {"skipped": f"{error} (under {sys.executable})"}
        state["workload"] = module.setup(message.get("config", {}))
        return {"ok": True, "info": getattr(state["workload"], "info", {})}
    if cmd == "loop":
        workload = state["workload"]
        count = message["count"]
        start = time.perf_counter()
        for _ in range(count):
            out = workload.step()
        value = read_back(out)
        ms = (time.perf_counter() - start) * 1000 / count
        reply = {"msPerCall": ms, "value": value}
        if isinstance(out, dict):
            reply["info"] = {k: v for k, v in out.items() if k != "value"}
        return reply
    if cmd == "dispose":
        state.pop("workload", None)
        return {"ok": True}
    return {"error": f"unknown command {cmd!r}"}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "1"
    if mode not in ("1", "all"):
        sys.exit(f"worker.py: mode must be 1 or all, got {mode!r}")
    print(json.dumps({"ready": versions(mode)}), flush=True)
    state = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = handle(json.loads(line), state)
        except Exception:  # reported to run.mjs, which fails the row with this text
            reply = {"error": traceback.format_exc()}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
