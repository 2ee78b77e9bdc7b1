"""One EM iteration (E step + M step) of scikit-learn's GaussianMixture, built by
bench/em_sklearn.py's `prepare` (the same case as em.mjs)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sklearn  # noqa: E402  (fail here, before em_sklearn, if scikit-learn is missing)
from common import Workload  # noqa: E402
from em_sklearn import prepare  # noqa: E402


def setup(config):
    iteration = prepare(config["case"], 0)

    def step():
        iteration()
        return 0.0

    return Workload(step, {"sklearn": sklearn.__version__})
