"""Unbiased MMD^2 with one RBF bandwidth through torch.cdist, on the samples run.mjs sends."""

import torch
from common import Workload


def setup(config):
    x = torch.tensor(config["x"], dtype=torch.float32)
    y = torch.tensor(config["y"], dtype=torch.float32)
    gamma = 1.0 / (2 * config["bandwidth"] ** 2)
    n, m = x.shape[0], y.shape[0]

    def within(a):
        k = torch.exp(-gamma * torch.cdist(a, a).pow(2))
        return (k.sum() - k.diagonal().sum()) / (a.shape[0] * (a.shape[0] - 1))

    def step():
        kxy = torch.exp(-gamma * torch.cdist(x, y).pow(2)).mean()
        return within(x) + within(y) - 2 * kxy

    return Workload(step, {"n": n, "m": m})
