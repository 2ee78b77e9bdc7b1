"""VAE 784-500-500-50 with a Bernoulli decoder, batch 100, one posterior draw, analytic KL:
the twin of @gen/vae's Vae.mlp trained by @gen/train. The posterior scale is @gen's
softplus(min(rho, 10)) + 1e-4."""

import torch
import torch.nn.functional as F
from common import Batches, Workload, adam, binary_data, mlp, train_step


def gaussian_step(encoder, decoder, data, config):
    """The negative ELBO step shared by the MLP and the convolutional VAE twins."""
    batches = Batches(data, config["batchSize"])
    latent = config["latentSize"]
    parameters = [*encoder.parameters(), *decoder.parameters()]

    def loss():
        x = batches.next()
        mean, raw = encoder(x).split(latent, dim=1)
        scale = F.softplus(torch.clamp(raw, max=10.0)) + 1e-4
        z = mean + scale * torch.randn_like(mean)
        logits = decoder(z).reshape(x.shape)
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
        kl = 0.5 * (mean**2 + scale**2 - 1) - torch.log(scale)
        return nll.reshape(x.shape[0], -1).sum(1).mean() + kl.sum(1).mean()

    return train_step(adam(parameters), loss)


def setup(config):
    torch.manual_seed(0)
    d, hidden, latent = config["inputSize"], config["hiddenSizes"], config["latentSize"]
    encoder = mlp([d, *hidden, 2 * latent], torch.nn.ReLU)
    decoder = mlp([latent, *reversed(hidden), d], torch.nn.ReLU)
    data = binary_data(config["rows"], d)
    return Workload(gaussian_step(encoder, decoder, data, config))
