"""Convolutional VAE on [n, 1, 28, 28] binary images: encoder conv 4x4/2 (32) -> conv 4x4/2
(64) -> dense(2L), decoder dense(7*7*64) -> transposed conv 4x4/2 (32) -> transposed conv
4x4/2 (1), ReLU between: the twin of @gen/vae's Vae.conv ('same' padding of a 4x4 stride-2
convolution on 28x28 is PyTorch's padding 1)."""

import torch
from common import Workload, binary_data
from vae_step import gaussian_step


class Reshape(torch.nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def setup(config):
    torch.manual_seed(0)
    latent = config["latentSize"]
    relu = torch.nn.ReLU
    encoder = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 4, 2, 1), relu(),
        torch.nn.Conv2d(32, 64, 4, 2, 1), relu(),
        torch.nn.Flatten(), torch.nn.Linear(7 * 7 * 64, 2 * latent),
    )
    decoder = torch.nn.Sequential(
        torch.nn.Linear(latent, 7 * 7 * 64), relu(), Reshape(64, 7, 7),
        torch.nn.ConvTranspose2d(64, 32, 4, 2, 1), relu(),
        torch.nn.ConvTranspose2d(32, 1, 4, 2, 1),
    )
    data = binary_data(config["rows"], 28 * 28).reshape(-1, 1, 28, 28)
    return Workload(gaussian_step(encoder, decoder, data, config))
