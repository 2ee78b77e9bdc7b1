"""What every PyTorch twin shares: the trainer's default Adam and its batch order."""

import torch


class Workload:
    """A step to time (`step()` returns what the worker reads back) and facts to report."""

    def __init__(self, step, info=None):
        self.step = step
        self.info = info or {}


def adam(parameters):
    """The Adam of @gen/train's default optimiser: lr 1e-3, betas (0.9, 0.999), eps 1e-7."""
    return torch.optim.Adam(parameters, lr=1e-3, betas=(0.9, 0.999), eps=1e-7)


class Batches:
    """Shuffled batches of `data` without replacement, a fresh permutation every epoch, like the
    @gen trainer's tensor source (the gather is part of the step on both sides)."""

    def __init__(self, data, batch_size, seed=0):
        self.data = data
        self.batch_size = batch_size
        self.generator = torch.Generator().manual_seed(seed)
        self.order = None
        self.position = 0

    def next(self):
        n = self.data.shape[0]
        if self.order is None or self.position + self.batch_size > n:
            self.order = torch.randperm(n, generator=self.generator)
            self.position = 0
        index = self.order[self.position : self.position + self.batch_size]
        self.position += self.batch_size
        return self.data[index]


def train_step(optimizer, loss_fn):
    """One optimiser step on `loss_fn()`; returns the detached loss."""

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


def mlp(sizes, activation, last=None):
    """Linear layers with `activation` between them and `last` (or nothing) after the last."""
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(activation())
        elif last is not None:
            layers.append(last())
    return torch.nn.Sequential(*layers)


def binary_data(rows, columns, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(rows, columns, generator=generator) < 0.5).float()
