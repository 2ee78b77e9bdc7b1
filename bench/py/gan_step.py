"""Toy GAN step: generator z(16) -> 128 -> 128 -> 2 and discriminator 2 -> 128 -> 128 -> 1,
leaky ReLU 0.2, non-saturating loss, batch 256, one D update then one G update with their own
Adam, each on fresh fakes: the twin of Gan.mlp trained by @gen/train's adversarial trainer."""

import torch
import torch.nn.functional as F
from common import Batches, Workload, adam, mlp


def leaky():
    return torch.nn.LeakyReLU(0.2)


def setup(config):
    torch.manual_seed(0)
    z_size, hidden, data_size = config["latentSize"], config["hiddenSizes"], config["dataSize"]
    generator = mlp([z_size, *hidden, data_size], leaky)
    discriminator = mlp([data_size, *hidden, 1], leaky)
    data = torch.randn(config["rows"], data_size)
    return Workload(adversarial_step(generator, discriminator, z_size, data, config["batchSize"]))


def adversarial_step(generator, discriminator, z_size, data, n):
    """One discriminator step and one generator step of the non-saturating GAN."""
    batches = Batches(data, n)
    d_opt, g_opt = adam(discriminator.parameters()), adam(generator.parameters())

    def step():
        real = batches.next()
        d_opt.zero_grad(set_to_none=True)
        with torch.no_grad():
            fake = generator(torch.randn(n, z_size))
        d_loss = F.softplus(-discriminator(real)).mean() + F.softplus(discriminator(fake)).mean()
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad(set_to_none=True)
        g_loss = F.softplus(-discriminator(generator(torch.randn(n, z_size)))).mean()
        g_loss.backward()
        g_opt.step()
        return g_loss.detach()

    return step
