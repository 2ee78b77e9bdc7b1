"""POT's log-domain Sinkhorn (ot.bregman.sinkhorn_log, numpy float64) on the samples run.mjs
sends: uniform weights, squared Euclidean cost, reg = epsilon, the same iteration cap and
stopping threshold as @gen's sinkhorn. POT checks the L2 error of the column marginals every
10 iterations; @gen checks the L1 error."""

import warnings

import numpy as np
import ot
from common import Workload


def setup(config):
    x = np.asarray(config["x"], dtype=np.float64)
    y = np.asarray(config["y"], dtype=np.float64)
    a, b = np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y))
    cost = ot.dist(x, y)
    eps, cap, tol = config["epsilon"], config["maxIterations"], config["tolerance"]

    def step():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plan, log = ot.bregman.sinkhorn_log(a, b, cost, eps, numItermax=cap, stopThr=tol, log=True)
        error = float(log["err"][-1])
        # POT's loop index stops at the check that met the threshold, or at cap - 1.
        iterations = int(log["niter"]) + 1
        return {
            "value": float(np.sum(cost * plan)),
            "iterations": iterations,
            "marginalError": error,
            "converged": error < tol,
        }

    return Workload(step, {"pot": ot.__version__})
