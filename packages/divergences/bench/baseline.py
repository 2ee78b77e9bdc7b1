"""Answers the timing requests of transport.mjs on one line each, single-threaded torch and POT.

Reads the samples from the JSON file named on the command line, then lines "mmd <reps>" or
"sinkhorn <epsilon> <tolerance>" from stdin, and prints one JSON line per request with the
median milliseconds (and, for sinkhorn, the iterations and value).
"""

import json
import sys
import time

import numpy as np
import ot
import torch

torch.set_num_threads(1)
data = json.load(open(sys.argv[1]))
x64 = np.asarray(data["x"], dtype=np.float64)
y64 = np.asarray(data["y"], dtype=np.float64)
x = torch.tensor(x64, dtype=torch.float32)
y = torch.tensor(y64, dtype=torch.float32)


def mmd(x, y, h=1.0):
    n, m = len(x), len(y)
    k = lambda a, b: torch.exp(-torch.cdist(a, b) ** 2 / (2 * h * h))
    kxx = (k(x, x).sum() - n) / (n * (n - 1))
    kyy = (k(y, y).sum() - m) / (m * (m - 1))
    return kxx + kyy - 2 * k(x, y).mean()


for line in sys.stdin:
    words = line.split()
    if words[0] == "mmd":
        times = []
        for _ in range(int(words[1])):
            start = time.perf_counter()
            value = float(mmd(x, y))
            times.append((time.perf_counter() - start) * 1e3)
        print(json.dumps({"ms": float(np.median(times)), "value": value}), flush=True)
    elif words[0] == "sinkhorn":
        eps, tol = float(words[1]), float(words[2])
        a = np.full(len(x64), 1 / len(x64))
        b = np.full(len(y64), 1 / len(y64))
        start = time.perf_counter()
        M = ot.dist(x64, y64)
        P, log = ot.bregman.sinkhorn_log(a, b, M, eps, numItermax=100000, stopThr=tol, log=True, warn=False)
        ms = (time.perf_counter() - start) * 1e3
        print(json.dumps({"ms": ms, "iterations": int(log["niter"]), "value": float(np.sum(P * M))}), flush=True)
