"""MLP 784-256-256-784 (relu, relu, sigmoid), MSE against the input, batch 128: the twin of
the suite's MLP row (the trainer's step on a @gen/nn Mlp)."""

import torch
import torch.nn.functional as F
from common import Batches, Workload, adam, mlp, train_step


def setup(config):
    torch.manual_seed(0)
    model = mlp(config["sizes"], torch.nn.ReLU, torch.nn.Sigmoid)
    data = torch.rand(config["rows"], config["sizes"][0])
    batches = Batches(data, config["batchSize"])

    def loss():
        x = batches.next()
        return F.mse_loss(model(x), x)

    return Workload(train_step(adam(model.parameters()), loss))
