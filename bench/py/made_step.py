"""MADE 784-500-784 with Bernoulli conditionals (natural ordering, one mask), batch 100: the
twin of @gen/autoregressive's Made trained by @gen/train. The masks multiply the weights in
every forward pass, as in @gen's MaskedDense."""

import torch
import torch.nn.functional as F
from common import Batches, Workload, adam, binary_data, train_step


class MaskedLinear(torch.nn.Linear):
    def __init__(self, fan_in, fan_out, mask):
        super().__init__(fan_in, fan_out)
        self.register_buffer("mask", mask)

    def forward(self, x):
        return F.linear(x, self.weight * self.mask, self.bias)


def made_masks(d, hidden, generator):
    """Germain et al.'s masks: input degrees 1..D, hidden degrees in [1, D-1]."""
    degrees = [torch.arange(1, d + 1)]
    for h in hidden:
        low = int(degrees[-1].min())
        degrees.append(torch.randint(low, d, (h,), generator=generator))
    masks = [(later[:, None] >= earlier[None, :]).float() for earlier, later in zip(degrees, degrees[1:])]
    masks.append((degrees[0][:, None] > degrees[-1][None, :]).float())
    return masks


def setup(config):
    torch.manual_seed(0)
    d, hidden = config["inputSize"], config["hiddenSizes"]
    masks = made_masks(d, hidden, torch.Generator().manual_seed(0))
    sizes = [d, *hidden, d]
    layers = []
    for i, mask in enumerate(masks):
        layers.append(MaskedLinear(sizes[i], sizes[i + 1], mask))
        if i < len(masks) - 1:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    batches = Batches(binary_data(config["rows"], d), config["batchSize"])

    def loss():
        x = batches.next()
        nll = F.binary_cross_entropy_with_logits(model(x), x, reduction="none").sum(1)
        return nll.mean()

    return Workload(train_step(adam(model.parameters()), loss))
