"""One elementwise op (add) on two [2] tensors: PyTorch's dispatch overhead per op."""

import torch
from common import Workload


def setup(config):
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    return Workload(lambda: a + b)
