"""DCGAN step on MNIST-shaped [n, 784] grey images, batch 64, z 64: generator dense(7*7*64,
relu) -> transposed conv 4x4/2 (32, relu) -> transposed conv 4x4/2 (1, sigmoid); discriminator
conv 4x4/2 (32) -> conv 4x4/2 (64), leaky ReLU 0.2 -> dense(1); non-saturating loss: the twin
of @gen/gan's Gan.dcgan trained by @gen/train's adversarial trainer."""

import torch
from common import Workload
from conv_vae_step import Reshape
from gan_step import adversarial_step


def setup(config):
    torch.manual_seed(0)
    z = config["latentSize"]
    generator = torch.nn.Sequential(
        torch.nn.Linear(z, 7 * 7 * 64), torch.nn.ReLU(), Reshape(64, 7, 7),
        torch.nn.ConvTranspose2d(64, 32, 4, 2, 1), torch.nn.ReLU(),
        torch.nn.ConvTranspose2d(32, 1, 4, 2, 1), torch.nn.Sigmoid(), torch.nn.Flatten(),
    )
    leaky = torch.nn.LeakyReLU(0.2)
    discriminator = torch.nn.Sequential(
        Reshape(1, 28, 28),
        torch.nn.Conv2d(1, 32, 4, 2, 1), leaky,
        torch.nn.Conv2d(32, 64, 4, 2, 1), leaky,
        torch.nn.Flatten(), torch.nn.Linear(7 * 7 * 64, 1),
    )
    data = torch.rand(config["rows"], 784)
    return Workload(adversarial_step(generator, discriminator, z, data, config["batchSize"]))
