"""PyTorch baseline for bench/run.mjs: the same MLP training step, single-threaded.

Run by run.mjs with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 and Debian's /usr/bin/python3
(python3-torch). Prints one JSON object on stdout. Timing mirrors the tfjs side: after a
warm-up, rounds in which the step and the matmul floor each run a loop of 50 calls, the result
read back (.item()) once at the end of each loop; the median ms per call over 11 rounds.
"""

import json
import statistics
import sys
import time

import torch

SIZES = [784, 256, 256, 784]
BATCH = 128


def read_back(tensor):
    return tensor.reshape(-1)[0].item()


def measure_interleaved(variants, repeats):
    """Median ms per call of each variant, its loops interleaved round by round (as in run.mjs)."""
    for iteration, warmup, _ in variants.values():
        for _ in range(warmup):
            out = iteration()
        read_back(out)
    results = {
        name: {"msPerRepeat": [], "warmup": warmup, "iterations": iterations}
        for name, (_, warmup, iterations) in variants.items()
    }
    for _ in range(repeats):
        for name, (iteration, _, iterations) in variants.items():
            start = time.perf_counter()
            for _ in range(iterations):
                out = iteration()
            results[name]["lastValue"] = read_back(out)
            results[name]["msPerRepeat"].append((time.perf_counter() - start) * 1000 / iterations)
    for result in results.values():
        per_repeat = result["msPerRepeat"]
        result.update(
            ms=statistics.median(per_repeat), minMs=min(per_repeat), maxMs=max(per_repeat)
        )
    return results


def build_model():
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        linear = torch.nn.Linear(fan_in, fan_out)
        torch.nn.init.xavier_uniform_(linear.weight)
        torch.nn.init.zeros_(linear.bias)
        last = i == len(SIZES) - 2
        layers += [linear, torch.nn.Sigmoid() if last else torch.nn.ReLU()]
    return torch.nn.Sequential(*layers)


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = build_model()
    x = torch.rand(BATCH, SIZES[0])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x), x)
        loss.backward()
        optimizer.step()
        return loss.detach()

    # The same 8 matmuls as the tfjs floor: 3 forward, 3 weight gradients, 2 input gradients.
    inputs = [torch.rand(BATCH, n) for n in SIZES[:-1]]
    weights = [torch.rand(a, b) * 0.2 - 0.1 for a, b in zip(SIZES[:-1], SIZES[1:])]
    upstream = [torch.rand(BATCH, n) * 0.2 - 0.1 for n in SIZES[1:]]

    @torch.no_grad()
    def matmul_floor():
        for i in range(len(weights)):
            inputs[i] @ weights[i]
            last = inputs[i].t() @ upstream[i]
            if i > 0:
                upstream[i] @ weights[i].t()
        return last

    variants = {"step": (step, 20, 50), "matMulFloor": (matmul_floor, 20, 50)}
    timed = measure_interleaved(variants, 11)
    result = {"torchVersion": torch.__version__, "threads": torch.get_num_threads(), **timed}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
