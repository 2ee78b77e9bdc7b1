"""Neural spline flow on 2-D data: 4 rational-quadratic spline coupling layers (alternating
parity, 8 bins, tail bound 4, conditioner 1 -> 64 -> 64 -> 23 with ReLU, last layer zero),
standard normal base, negative log-likelihood through the inverse pass, batch 256: the twin of
@gen/flows' Flow of RationalQuadraticSpline layers trained by @gen/train. The spline is nflows'
`unconstrained_rational_quadratic_spline(tails='linear')` with @gen's derivative offset,
evaluated on every element and merged with the identity tails by `where`; its inverse matches
@gen's `unconstrainedRqSpline(..., { inverse: true })` to float32 rounding."""

import math

import torch
import torch.nn.functional as F
from common import Batches, Workload, adam, train_step

MIN_WIDTH = MIN_HEIGHT = MIN_DERIVATIVE = 1e-3


def knots(raw, bound):
    """Cumulative knot positions and bin sizes on [-bound, bound] from unconstrained values."""
    k = raw.shape[-1]
    sizes = MIN_WIDTH + (1 - MIN_WIDTH * k) * torch.softmax(raw, -1)
    cumulative = F.pad(torch.cumsum(sizes, -1), (1, 0))
    cumulative = 2 * bound * cumulative - bound
    cumulative = torch.cat(
        [torch.full_like(cumulative[..., :1], -bound), cumulative[..., 1:-1], torch.full_like(cumulative[..., :1], bound)],
        -1,
    )
    return cumulative, cumulative[..., 1:] - cumulative[..., :-1]


def inverse_spline(y, widths, heights, derivatives, bound):
    """x = RQS^-1(y) and log |dx/dy| elementwise, identity outside [-bound, bound]."""
    inside = (y >= -bound) & (y <= bound)
    yc = torch.clamp(y, -bound, bound)
    # @gen's knots: the offset makes zero parameters the identity and the edge slopes exactly 1.
    offset = math.log(math.expm1(1 - MIN_DERIVATIVE))
    derivatives = MIN_DERIVATIVE + F.softplus(F.pad(derivatives, (1, 1)) + offset)
    cum_w, w = knots(widths, bound)
    cum_h, h = knots(heights, bound)
    locations = cum_h.clone()
    locations[..., -1] += 1e-6
    index = (torch.sum(yc[..., None] >= locations, -1) - 1).clamp(0, w.shape[-1] - 1)[..., None]
    pick = lambda t: t.gather(-1, index)[..., 0]
    x0, bw, y0, bh = pick(cum_w), pick(w), pick(cum_h), pick(h)
    delta = bh / bw
    d0, d1 = pick(derivatives[..., :-1]), pick(derivatives[..., 1:])
    s = d0 + d1 - 2 * delta
    a = (yc - y0) * s + bh * (delta - d0)
    b = bh * d0 - (yc - y0) * s
    c = -delta * (yc - y0)
    root = (2 * c) / (-b - torch.sqrt(b.pow(2) - 4 * a * c))
    x = root * bw + x0
    t1t = root * (1 - root)
    denominator = delta + s * t1t
    numerator = delta.pow(2) * (d1 * root.pow(2) + 2 * delta * t1t + d0 * (1 - root).pow(2))
    log_det = -(torch.log(numerator) - 2 * torch.log(denominator))
    return torch.where(inside, x, y), torch.where(inside, log_det, torch.zeros_like(y))


class SplineCoupling(torch.nn.Module):
    def __init__(self, parity, hidden, bins, bound):
        super().__init__()
        self.kept, self.moved = (0, 1) if parity == 0 else (1, 0)
        self.bins, self.bound = bins, bound
        sizes = [1, *hidden, 3 * bins - 1]
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(torch.nn.Linear(fan_in, fan_out))
            if i < len(sizes) - 2:
                layers.append(torch.nn.ReLU())
        torch.nn.init.zeros_(layers[-1].weight)
        torch.nn.init.zeros_(layers[-1].bias)
        self.conditioner = torch.nn.Sequential(*layers)

    def inverse(self, y):
        kept = y[:, self.kept : self.kept + 1]
        raw = self.conditioner(kept)
        k = self.bins
        widths, heights, derivatives = raw[:, :k], raw[:, k : 2 * k], raw[:, 2 * k :]
        x, log_det = inverse_spline(y[:, self.moved], widths, heights, derivatives, self.bound)
        columns = [kept[:, 0], x] if self.kept == 0 else [x, kept[:, 0]]
        return torch.stack(columns, 1), log_det


def setup(config):
    torch.manual_seed(0)
    layers = torch.nn.ModuleList(
        SplineCoupling(i % 2, config["hiddenSizes"], config["bins"], config["tailBound"])
        for i in range(config["layers"])
    )
    batches = Batches(torch.randn(config["rows"], 2), config["batchSize"])

    def loss():
        z = batches.next()
        total = torch.zeros(z.shape[0])
        for layer in reversed(layers):
            z, log_det = layer.inverse(z)
            total = total + log_det
        base = -0.5 * (z.pow(2).sum(1) + 2 * math.log(2 * math.pi))
        return -(base + total).mean()

    return Workload(train_step(adam(layers.parameters()), loss))
