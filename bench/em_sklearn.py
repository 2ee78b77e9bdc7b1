#!/usr/bin/env python3
"""One EM iteration of scikit-learn's GaussianMixture, for bench/em.mjs.

Usage: /usr/bin/python3 bench/em_sklearn.py '<json config>'
Config: {"cases": [{"n", "d", "k", "covariance"}], "rounds", "iterations", "seed"}.
For every case it draws N(0, I) data of shape [n, d] (numpy, seeded), initialises a
GaussianMixture (n_components=k, covariance_type, init_params='k-means++', max_iter=1, one
warm fit), then times `_e_step(X)` followed by `_m_step(X, log_resp)` -- exactly one E and one M
step, the work of one iteration of `fit` -- `iterations` times per round, and reports the median
ms per iteration over `rounds` rounds (and every round). numpy's BLAS is pinned to one thread
(set before numpy loads), like the single-threaded tfjs backends it is compared with.
Prints one JSON object; on a missing scikit-learn it prints {"skipped": "<why>"} and exits 0.
"""
import json
import os
import sys
import time
import warnings

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

try:
    import numpy as np
    import sklearn
    from sklearn.mixture import GaussianMixture
except ImportError as error:  # pragma: no cover - depends on the machine
    print(json.dumps({"skipped": f"scikit-learn is not importable under {sys.executable}: {error}"}))
    sys.exit(0)

# The warm-up fit runs one iteration on purpose.
warnings.filterwarnings("ignore", message="Initialization 1 did not converge")


def prepare(case, seed):
    """A warm GaussianMixture on N(0, I) data and one E step + M step on it, as a function."""
    rs = np.random.RandomState(seed)
    x = rs.normal(size=(case["n"], case["d"])).astype(np.float64)
    gm = GaussianMixture(
        n_components=case["k"],
        covariance_type=case["covariance"],
        init_params="k-means++",
        max_iter=1,
        random_state=seed,
    )
    gm.fit(x)

    def iteration():
        _, log_resp = gm._e_step(x)
        gm._m_step(x, log_resp)

    return iteration


def measure(case, rounds, iterations, seed):
    iteration = prepare(case, seed)
    iteration()
    per_round = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iterations):
            iteration()
        per_round.append((time.perf_counter() - start) * 1000 / iterations)
    return {**case, "msPerIteration": float(np.median(per_round)), "rounds": per_round}


def main():
    config = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    cases = config.get("cases", [{"n": 50000, "d": 2, "k": 8, "covariance": "diag"}])
    rounds = config.get("rounds", 5)
    iterations = config.get("iterations", 3)
    seed = config.get("seed", 0)
    results = [measure(c, rounds, iterations, seed) for c in cases]
    print(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__, "results": results}))


if __name__ == "__main__":
    main()
