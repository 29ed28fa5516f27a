#!/usr/bin/env python3
"""PyTorch reference for dsdc: test fixtures, checkpoint checks, benchmarks, recipe runs.

dsdc trains DSDC-Net in Swift. This script holds the same network in PyTorch
(`DSDCNet` below, with the parameter names that dsdc's safetensors checkpoints use)
and four subcommands:

  fixtures          write the small JSON files in Tests/DSDCTests/Fixtures/ that the
                    Swift tests compare against (convolution cases, layers, one full
                    training step of the network on 8 MNIST test images)
  check-checkpoint  load a dsdc checkpoint (.safetensors) into DSDCNet and measure its
                    accuracy on the MNIST test set
  bench             time training steps or inference in PyTorch, for comparison
  train             a plain PyTorch training run on MNIST, to choose a training recipe

PyTorch is not needed to build or test dsdc; only to regenerate fixtures and to compare.
Install it in a virtual environment outside the repository, then run from anywhere:

  python3 -m venv /path/to/venv-torch
  /path/to/venv-torch/bin/pip install torch numpy safetensors
  /path/to/venv-torch/bin/python scripts/pytorch_reference.py fixtures
  /path/to/venv-torch/bin/python scripts/pytorch_reference.py --help

Loading a dsdc checkpoint by hand. dsdc stores every tensor of `DSDCNet().state_dict()`
(float32, OIHW weights) except the int64 `num_batches_tracked` buffers, so load it with
`strict=False` and check that nothing else is missing:

  from safetensors.torch import load_file
  model = DSDCNet()
  result = model.load_state_dict(load_file("model.safetensors"), strict=False)
  assert all(k.endswith("num_batches_tracked") for k in result.missing_keys)
  assert not result.unexpected_keys

Tensors in the fixtures are `{"shape": [...], "data": [flat row-major floats]}` with
9 significant digits (enough to round-trip a float32). scripts/README.md lists the keys.
"""

import argparse
import copy
import gzip
import json
import math
import os
import struct
import sys
import time
from pathlib import Path

# Idle OpenMP threads sleep instead of spinning. On a busy 2-core machine spinning threads
# steal the cores that the working threads need (measured: 5–7× slower training steps).
# Set OMP_WAIT_POLICY=ACTIVE in the environment to override. Must precede `import torch`.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch
import torch.nn as nn
import torch.nn.functional as F

# Paths are relative to this file, so the script runs from any working directory.
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIRECTORY = REPOSITORY_ROOT / "Tests" / "DSDCTests" / "Fixtures"
MNIST_DIRECTORY = REPOSITORY_ROOT / "Data" / "mnist"

# Pixel statistics of the MNIST training set (pixels scaled to [0, 1]).
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081


# MARK: - Model


class SeparableBlock(nn.Module):
    """Depthwise 3×3 dilated convolution, pointwise 1×1 convolution, BatchNorm, ReLU, optional 2×2 max-pool.

    depthwise: (N, C, H, W) -> (N, C, H, W)   groups = C, padding = dilation keeps H and W
    pointwise: (N, C, H, W) -> (N, O, H, W)
    pool:      (N, O, H, W) -> (N, O, H/2, W/2)
    """

    def __init__(self, in_channels, out_channels, dilation, pool):
        super().__init__()
        self.depthwise = nn.Conv2d(
            in_channels, in_channels, 3, padding=dilation, dilation=dilation,
            groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)
        self.pool = nn.MaxPool2d(2) if pool else nn.Identity()

    def forward(self, x):
        return self.pool(F.relu(self.bn(self.pointwise(self.depthwise(x)))))


class StandardBlock(nn.Module):
    """One standard 3×3 (dilated) convolution, BatchNorm, ReLU, optional 2×2 max-pool: the block of
    the comparison's standard variants (lesson 9), in the place of SeparableBlock.

    conv: (N, C, H, W) -> (N, O, H, W)   padding = dilation keeps H and W
    """

    def __init__(self, in_channels, out_channels, dilation, pool):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=dilation, dilation=dilation, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)
        self.pool = nn.MaxPool2d(2) if pool else nn.Identity()

    def forward(self, x):
        return self.pool(F.relu(self.bn(self.conv(x))))


class DSDCNet(nn.Module):
    """DSDC-Net: a 3×3 stem and three depthwise separable dilated blocks, then average pool and a linear classifier.

    stem   conv 1 -> 32, 3×3 P1; BN; ReLU                     (N, 32, 28, 28)
    block1 depthwise 3×3 D2 P2; pointwise 32 -> 64; BN; ReLU; max-pool 2    (N, 64, 14, 14)
    block2 depthwise 3×3 D2 P2; pointwise 64 -> 128; BN; ReLU; max-pool 2   (N, 128, 7, 7)
    block3 depthwise 3×3 D1 P1; pointwise 128 -> 128; BN; ReLU              (N, 128, 7, 7)
    head   global average pool; linear 128 -> 10                             (N, 10)

    With the defaults it has 30,922 trainable parameters. `convolutions` makes any block a
    StandardBlock ("standard") instead: the sibling networks of lesson 9 (see VARIANTS).
    """

    def __init__(self, stem_width=32, widths=(64, 128, 128), dilations=(2, 2, 1),
                 pools=(True, True, False), num_classes=10, convolutions=("separable",) * 3):
        super().__init__()
        assert len(widths) == len(dilations) == len(pools) == len(convolutions) == 3, "DSDCNet has three blocks"
        self.stem = nn.Conv2d(1, stem_width, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(stem_width)
        channels = [stem_width, *widths]
        blocks = [(SeparableBlock if kind == "separable" else StandardBlock)(channels[i], channels[i + 1],
                                                                               dilations[i], pools[i])
                  for i, kind in enumerate(convolutions)]
        self.block1, self.block2, self.block3 = blocks
        self.classifier = nn.Linear(channels[3], num_classes)

    @classmethod
    def from_config(cls, config):
        """The network a dsdc checkpoint's `dsdc.config` metadata (JSON) describes."""
        blocks = config["blocks"]
        return cls(stem_width=config["stemChannels"], widths=[b["channels"] for b in blocks],
                   dilations=[b["dilation"] for b in blocks], pools=[b["pools"] for b in blocks],
                   num_classes=config["classes"],
                   convolutions=[b.get("convolution", "separable") for b in blocks])

    def features(self, x):
        """The activations after the stem and after each block, for debugging."""
        stem = F.relu(self.stem_bn(self.stem(x)))  # (N, 32, 28, 28)
        block1 = self.block1(stem)                 # (N, 64, 14, 14)
        block2 = self.block2(block1)               # (N, 128, 7, 7)
        block3 = self.block3(block2)               # (N, 128, 7, 7)
        pooled = block3.mean(dim=(2, 3))           # (N, 128)
        return {"stem": stem, "block1": block1, "block2": block2, "block3": block3, "pooled": pooled}

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        x = self.block3(self.block2(self.block1(x)))
        return self.classifier(x.mean(dim=(2, 3)))


# The five networks lesson 9 compares: DSDC-Net's skeleton, each block's convolution changed.
VARIANTS = ["standard", "dilated", "separable", "dsdc", "standard-small"]


def variant(name, stem_width=32, widths=(64, 128, 128), dilations=(2, 2, 1)):
    """The variant `name` built on a base DSDC-Net shape, as dsdc's ComparisonVariant builds it.

    standard-small: the standard network with widths scaled by k / widths[0] (k = 1 … widths[0],
    each rounded half away from zero), the k whose parameter count is closest to the base's.
    """
    if name == "dsdc":
        return DSDCNet(stem_width, widths, dilations)
    if name == "separable":
        return DSDCNet(stem_width, widths, (1, 1, 1))
    if name == "dilated":
        return DSDCNet(stem_width, widths, dilations, convolutions=("standard",) * 3)
    if name == "standard":
        return DSDCNet(stem_width, widths, (1, 1, 1), convolutions=("standard",) * 3)
    if name == "standard-small":
        target = trainable_parameter_count(DSDCNet(stem_width, widths, dilations))
        best = None
        for k in range(1, widths[0] + 1):
            scaled = [max(1, math.floor(w * k / widths[0] + 0.5)) for w in widths]
            count = trainable_parameter_count(DSDCNet(stem_width, scaled, (1, 1, 1), convolutions=("standard",) * 3))
            if best is None or abs(count - target) < best[1]:
                best = (scaled, abs(count - target))
        return DSDCNet(stem_width, best[0], (1, 1, 1), convolutions=("standard",) * 3)
    raise ValueError(f"unknown variant {name}")


def trainable_parameter_count(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def checkpoint_state_dict(model):
    """The state_dict as a dsdc checkpoint holds it: float32 tensors, no `num_batches_tracked`."""
    return {k: v.detach().float().contiguous() for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked")}


def load_dsdc_checkpoint(model, path):
    """Loads a dsdc safetensors checkpoint; returns (missing keys, unexpected keys, metadata).

    Missing `num_batches_tracked` keys are expected (dsdc does not store them) and left out
    of the returned list.
    """
    from safetensors import safe_open
    from safetensors.torch import load_file

    state = load_file(str(path))
    with safe_open(str(path), framework="pt") as f:
        metadata = f.metadata() or {}
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    return missing, list(result.unexpected_keys), metadata


# MARK: - MNIST


def read_idx(path):
    """Reads a gzip-compressed IDX file: big-endian int32 magic and dimensions, then uint8 data."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">i", raw[:4])
    if magic not in (0x801, 0x803):
        raise ValueError(f"{path}: bad IDX magic 0x{magic:08x} (expected 0x00000801 or 0x00000803)")
    rank = magic & 0xFF
    dims = struct.unpack(">" + "i" * rank, raw[4:4 + 4 * rank])
    data = torch.frombuffer(bytearray(raw[4 + 4 * rank:]), dtype=torch.uint8)
    return data.reshape(dims)


def load_mnist(directory, split):
    """Returns (images (N, 1, 28, 28) float32 normalised as (x/255 − mean)/std, labels (N,) int64)."""
    prefix = "train" if split == "train" else "t10k"
    directory = Path(directory)
    images = read_idx(directory / f"{prefix}-images-idx3-ubyte.gz")
    labels = read_idx(directory / f"{prefix}-labels-idx1-ubyte.gz")
    x = (images.float().div(255.0).sub(MNIST_MEAN).div(MNIST_STD)).unsqueeze(1)
    return x, labels.long()


def random_shift(x, pixels, generator):
    """Shifts each image by an independent random offset in [−pixels, pixels]² rows/columns, filling with background."""
    if pixels == 0:
        return x
    n, _, h, w = x.shape
    background = -MNIST_MEAN / MNIST_STD
    padded = F.pad(x, (pixels, pixels, pixels, pixels), value=background)  # (N, 1, H+2p, W+2p)
    dy = torch.randint(0, 2 * pixels + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * pixels + 1, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(h)[None, :])[:, :, None]  # (N, H, 1)
    cols = (dx[:, None] + torch.arange(w)[None, :])[:, None, :]  # (N, 1, W)
    batch = torch.arange(n)[:, None, None]
    return padded[batch, 0, rows, cols].unsqueeze(1)  # (N, 1, H, W)


@torch.inference_mode()
def evaluate(model, images, labels, batch_size=1000):
    """Accuracy (fraction correct) in eval mode."""
    model.eval()
    correct = 0
    for start in range(0, len(images), batch_size):
        logits = model(images[start:start + batch_size])
        correct += (logits.argmax(dim=1) == labels[start:start + batch_size]).sum().item()
    return correct / len(images)


# MARK: - Fixture output


def number(v):
    """A float with 9 significant digits (round-trips float32)."""
    return float(f"{v:.9g}")


def tensor_json(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": [number(v) for v in t.reshape(-1).double().tolist()]}


def write_json(name, obj):
    FIXTURES_DIRECTORY.mkdir(parents=True, exist_ok=True)
    path = FIXTURES_DIRECTORY / name
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path.relative_to(REPOSITORY_ROOT)} ({path.stat().st_size / 1024:.0f} KiB)")


def random_f32_as_f64(*shape, generator):
    """Standard-normal values drawn in float32 and widened, so they are exact in both precisions."""
    return torch.randn(*shape, generator=generator, dtype=torch.float32).double()


# MARK: - fixtures: convolution cases


CONV_CASES = [
    # name, N, C, H, W, O, K, S, P, D, groups, bias
    ("standard_3x3_p1", 1, 2, 6, 6, 3, 3, 1, 1, 1, 1, False),
    ("stride2", 1, 2, 7, 7, 3, 3, 2, 1, 1, 1, False),
    ("dilation2_p2", 1, 2, 9, 9, 2, 3, 1, 2, 2, 1, False),
    ("dilation3_p3", 1, 2, 9, 9, 2, 3, 1, 3, 3, 1, False),
    ("dilation2_no_padding", 1, 2, 9, 8, 2, 3, 1, 0, 2, 1, False),
    ("depthwise_d1", 2, 3, 6, 6, 3, 3, 1, 1, 1, 3, False),
    ("depthwise_d2", 2, 4, 8, 8, 4, 3, 1, 2, 2, 4, False),
    ("depthwise_multiplier2", 1, 2, 6, 6, 4, 3, 1, 1, 1, 2, False),
    ("pointwise", 2, 4, 5, 5, 6, 1, 1, 0, 1, 1, False),
    ("groups2", 1, 4, 6, 6, 6, 3, 1, 1, 1, 2, False),
    ("non_square_5x9", 1, 2, 5, 9, 3, 3, 1, 1, 1, 1, False),
    ("with_bias", 2, 3, 6, 6, 4, 3, 1, 1, 1, 1, True),
    ("batch3_dilation2_p1", 3, 2, 6, 7, 2, 3, 1, 1, 2, 1, False),
    ("depthwise_s2_d2_bias", 1, 3, 9, 9, 3, 3, 2, 2, 2, 3, True),
    ("kernel5_p2", 1, 1, 8, 7, 2, 5, 1, 2, 1, 1, True),
]


def conv_case(spec, generator):
    name, n, c, h, w, o, k, s, p, d, groups, has_bias = spec
    x = random_f32_as_f64(n, c, h, w, generator=generator).requires_grad_()
    weight = random_f32_as_f64(o, c // groups, k, k, generator=generator).requires_grad_()
    bias = random_f32_as_f64(o, generator=generator).requires_grad_() if has_bias else None
    y = F.conv2d(x, weight, bias, stride=s, padding=p, dilation=d, groups=groups)
    dy = random_f32_as_f64(*y.shape, generator=generator)
    (y * dy).sum().backward()
    return {
        "name": name, "in_channels": c, "out_channels": o, "kernel": k, "stride": s,
        "padding": p, "dilation": d, "groups": groups, "bias": has_bias,
        "input": tensor_json(x), "weight": tensor_json(weight),
        "bias_value": tensor_json(bias) if has_bias else None,
        "output": tensor_json(y), "d_output": tensor_json(dy),
        "d_input": tensor_json(x.grad), "d_weight": tensor_json(weight.grad),
        "d_bias": tensor_json(bias.grad) if has_bias else None,
    }


# MARK: - fixtures: layers


def batchnorm_fixtures(generator):
    eps, momentum = 1e-5, 0.1
    n, c, h, w = 3, 4, 5, 5
    x = (random_f32_as_f64(n, c, h, w, generator=generator) * 2 + 0.5).requires_grad_()
    weight = random_f32_as_f64(c, generator=generator).requires_grad_()
    bias = random_f32_as_f64(c, generator=generator).requires_grad_()
    mean0 = random_f32_as_f64(c, generator=generator) * 0.1
    var0 = torch.rand(c, generator=generator, dtype=torch.float32).double() + 0.5
    running_mean, running_var = mean0.clone(), var0.clone()
    y = F.batch_norm(x, running_mean, running_var, weight, bias, training=True,
                     momentum=momentum, eps=eps)
    dy = random_f32_as_f64(*y.shape, generator=generator)
    (y * dy).sum().backward()
    train = {
        "eps": eps, "momentum": momentum,
        "note": "training mode: normalise with the batch mean and biased variance over (N, H, W); "
                "running_mean = (1 − momentum)·running_mean + momentum·batch_mean, "
                "running_var = (1 − momentum)·running_var + momentum·batch_var·m/(m − 1), m = N·H·W",
        "input": tensor_json(x), "weight": tensor_json(weight), "bias": tensor_json(bias),
        "running_mean_before": tensor_json(mean0), "running_var_before": tensor_json(var0),
        "output": tensor_json(y),
        "running_mean_after": tensor_json(running_mean), "running_var_after": tensor_json(running_var),
        "d_output": tensor_json(dy), "d_input": tensor_json(x.grad),
        "d_weight": tensor_json(weight.grad), "d_bias": tensor_json(bias.grad),
    }

    x = (random_f32_as_f64(n, c, h, w, generator=generator) + 0.3).requires_grad_()
    weight = random_f32_as_f64(c, generator=generator).requires_grad_()
    bias = random_f32_as_f64(c, generator=generator).requires_grad_()
    mean = random_f32_as_f64(c, generator=generator) * 0.5
    var = torch.rand(c, generator=generator, dtype=torch.float32).double() + 0.5
    y = F.batch_norm(x, mean, var, weight, bias, training=False, eps=eps)
    dy = random_f32_as_f64(*y.shape, generator=generator)
    (y * dy).sum().backward()
    evaluation = {
        "eps": eps,
        "note": "eval mode: y = (x − running_mean)/sqrt(running_var + eps)·weight + bias; stats unchanged",
        "input": tensor_json(x), "weight": tensor_json(weight), "bias": tensor_json(bias),
        "running_mean": tensor_json(mean), "running_var": tensor_json(var),
        "output": tensor_json(y), "d_output": tensor_json(dy), "d_input": tensor_json(x.grad),
        "d_weight": tensor_json(weight.grad), "d_bias": tensor_json(bias.grad),
    }
    return train, evaluation


def maxpool_fixture(n, c, h, w, generator):
    # Distinct values (a shuffled range) so every window has a single maximum.
    values = torch.randperm(n * c * h * w, generator=generator).double() / 10 - 20
    x = values.reshape(n, c, h, w).requires_grad_()
    y = F.max_pool2d(x, 2)
    dy = random_f32_as_f64(*y.shape, generator=generator)
    (y * dy).sum().backward()
    return {"kernel": 2, "stride": 2, "input": tensor_json(x), "output": tensor_json(y),
            "d_output": tensor_json(dy), "d_input": tensor_json(x.grad)}


def layer_fixtures(generator):
    bn_train, bn_eval = batchnorm_fixtures(generator)

    x = random_f32_as_f64(2, 3, 4, 5, generator=generator).requires_grad_()
    y = x.mean(dim=(2, 3))
    dy = random_f32_as_f64(*y.shape, generator=generator)
    (y * dy).sum().backward()
    gap = {"input": tensor_json(x), "output": tensor_json(y),
           "d_output": tensor_json(dy), "d_input": tensor_json(x.grad)}

    x = random_f32_as_f64(3, 6, generator=generator).requires_grad_()
    weight = random_f32_as_f64(4, 6, generator=generator).requires_grad_()
    bias = random_f32_as_f64(4, generator=generator).requires_grad_()
    y = F.linear(x, weight, bias)
    dy = random_f32_as_f64(*y.shape, generator=generator)
    (y * dy).sum().backward()
    linear = {"input": tensor_json(x), "weight": tensor_json(weight), "bias": tensor_json(bias),
              "output": tensor_json(y), "d_output": tensor_json(dy), "d_input": tensor_json(x.grad),
              "d_weight": tensor_json(weight.grad), "d_bias": tensor_json(bias.grad)}

    logits = (random_f32_as_f64(4, 10, generator=generator) * 3).requires_grad_()
    labels = torch.tensor([3, 0, 9, 3])
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    cross_entropy = {"note": "mean over the batch of −log softmax(logits)[label]; "
                             "d_logits = (softmax(logits) − onehot(label)) / N",
                     "logits": tensor_json(logits), "labels": labels.tolist(),
                     "loss": number(loss.item()), "d_logits": tensor_json(logits.grad)}

    return {
        "precision": "float64 computation of float32-representable inputs, stored with 9 significant digits",
        "batchnorm_train": bn_train,
        "batchnorm_eval": bn_eval,
        "maxpool2d": maxpool_fixture(2, 3, 6, 6, generator),
        "maxpool2d_odd": maxpool_fixture(1, 2, 7, 5, generator),
        "global_avg_pool": gap,
        "linear": linear,
        "cross_entropy": cross_entropy,
    }


# MARK: - fixtures: the whole network


def optimizer_steps(model, grads, make_optimizer, names):
    """Applies two steps with the same gradients; returns the named tensors after step 1 and step 2."""
    model = copy.deepcopy(model)
    optimizer = make_optimizer(model.parameters())
    parameters = dict(model.named_parameters())
    after = {}
    for step in (1, 2):
        for key, p in parameters.items():
            p.grad = grads[key].clone()
        optimizer.step()
        after[step] = {k: tensor_json(parameters[k]) for k in names}
    return after[1], after[2]


def network_fixture():
    torch.manual_seed(0)
    model = DSDCNet()
    count = trainable_parameter_count(model)
    assert count == 30_922, f"DSDCNet has {count} trainable parameters, expected 30,922"
    initial = copy.deepcopy(model)

    images, labels = load_mnist(MNIST_DIRECTORY, "test")
    x, y = images[:8].contiguous(), labels[:8]

    model.train()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    grads = {k: p.grad.detach().clone() for k, p in model.named_parameters()}
    running = {k: v for k, v in model.state_dict().items()
               if k.endswith("running_mean") or k.endswith("running_var")}

    evaluation = copy.deepcopy(initial).eval()
    with torch.no_grad():
        eval_logits = evaluation(x)
        activations = {k: v[0] for k, v in evaluation.features(x[:1]).items()}

    names = ["stem.weight", "block2.pointwise.weight", "classifier.weight", "classifier.bias"]
    adamw = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False)
    sgd = dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=5e-4, nesterov=False)
    adamw_1, adamw_2 = optimizer_steps(initial, grads, lambda p: torch.optim.AdamW(p, **adamw), names)
    sgd_1, sgd_2 = optimizer_steps(initial, grads, lambda p: torch.optim.SGD(p, **sgd), names)

    return {
        "precision": "float32 throughout (PyTorch CPU), as dsdc computes; compare with a tolerance",
        "description": "DSDCNet() after torch.manual_seed(0), the first 8 MNIST test images",
        "normalization": {"mean": MNIST_MEAN, "std": MNIST_STD,
                          "formula": "(pixel/255 − mean)/std"},
        "trainable_parameters": count,
        "state_dict": {k: tensor_json(v) for k, v in checkpoint_state_dict(initial).items()},
        "input": tensor_json(x),
        "labels": y.tolist(),
        "train": {
            "note": "training mode: BatchNorm uses batch statistics (biased variance) and updates "
                    "running stats with momentum 0.1 and the unbiased variance; loss is the mean "
                    "cross-entropy; grads are d loss / d parameter",
            "logits": tensor_json(logits),
            "loss": number(loss.item()),
            "grads": {k: tensor_json(g) for k, g in grads.items()},
            "running_stats": {k: tensor_json(v) for k, v in running.items()},
        },
        "eval": {
            "note": "eval mode with the initial running stats (mean 0, var 1); activations are "
                    "those of the first image only, after each stage",
            "logits": tensor_json(eval_logits),
            "activations": {k: tensor_json(v) for k, v in activations.items()},
        },
        "adamw": {
            "note": "torch.optim.AdamW applied to every parameter with train.grads; step 2 applies "
                    "the same grads again. Decoupled decay: p ← p·(1 − lr·wd), then "
                    "p ← p − lr·m̂/(sqrt(v̂) + eps) with bias-corrected moments",
            **{k: list(v) if isinstance(v, tuple) else v for k, v in adamw.items()},
            "after_step1": adamw_1, "after_step2": adamw_2,
        },
        "sgd": {
            "note": "torch.optim.SGD applied to every parameter with train.grads; step 2 applies "
                    "the same grads again. g ← grad + wd·p; buf ← g (step 1), buf ← momentum·buf + g "
                    "(later steps); p ← p − lr·buf",
            **sgd,
            "after_step1": sgd_1, "after_step2": sgd_2,
        },
    }


def variants_fixture():
    """Each of lesson 9's variants on a narrow base (stem 4, widths 6/8/8, dilations 2/2/1) and the
    first 4 MNIST test images: training-mode logits, loss and gradients, and the eval-mode gradient
    of the last block's centre output (summed over channels) with respect to the input."""
    images, labels = load_mnist(MNIST_DIRECTORY, "test")
    x, y = images[:4].contiguous(), labels[:4]
    cases = {}
    for index, name in enumerate(VARIANTS):
        torch.manual_seed(index)
        model = variant(name, stem_width=4, widths=(6, 8, 8), dilations=(2, 2, 1))
        initial = copy.deepcopy(model)
        model.train()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        grads = {k: p.grad.detach().clone() for k, p in model.named_parameters()}

        evaluation = copy.deepcopy(initial).eval()
        probe = x.clone().requires_grad_(True)
        block3 = evaluation.features(probe)["block3"]         # (N, 8, 7, 7)
        centre = block3.shape[2] // 2
        block3[:, :, centre, centre].sum().backward()
        cases[name] = {
            "widths": [model.block1.bn.num_features, model.block2.bn.num_features, model.block3.bn.num_features],
            "trainable_parameters": trainable_parameter_count(model),
            "state_dict": {k: tensor_json(v) for k, v in checkpoint_state_dict(initial).items()},
            "train": {"logits": tensor_json(logits), "loss": number(loss.item()),
                      "grads": {k: tensor_json(g) for k, g in grads.items()}},
            "input_gradient": {"position": [centre, centre], "gradient": tensor_json(probe.grad)},
        }
    return {
        "description": "lesson 9's variants on base stem 4, widths (6, 8, 8), dilations (2, 2, 1); "
                       "torch.manual_seed(i) before building variant i; the first 4 MNIST test images",
        "normalization": {"mean": MNIST_MEAN, "std": MNIST_STD},
        "input": tensor_json(x),
        "labels": y.tolist(),
        "note": "train: training mode, mean cross-entropy, grads d loss / d parameter; input_gradient: "
                "eval mode (running stats mean 0, var 1), d(sum over channels of block3[n, :, i, j]) / d input",
        "variants": cases,
    }


def command_fixtures(args):
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(args.seed)
    write_json("conv_cases.json", [conv_case(spec, generator) for spec in CONV_CASES])
    write_json("layers.json", layer_fixtures(generator))
    write_json("variants_batch.json", variants_fixture())
    write_json("dsdcnet_batch.json", network_fixture())


# MARK: - check-checkpoint


def command_check_checkpoint(args):
    torch.set_num_threads(args.threads)
    model = DSDCNet()
    try:
        from safetensors import safe_open
        with safe_open(str(args.checkpoint), framework="pt") as f:
            config = (f.metadata() or {}).get("dsdc.config")
        if config:
            model = DSDCNet.from_config(json.loads(config))
        missing, unexpected, metadata = load_dsdc_checkpoint(model, args.checkpoint)
    except (OSError, RuntimeError, ValueError) as error:
        print(f"error: cannot load {args.checkpoint}: {error}", file=sys.stderr)
        return 1
    print(f"missing keys (besides num_batches_tracked): {missing or 'none'}")
    print(f"unexpected keys: {unexpected or 'none'}")
    print("metadata:")
    for key in sorted(metadata):
        print(f"  {key}: {metadata[key]}")
    if missing or unexpected:
        return 1
    images, labels = load_mnist(args.data, "test")
    accuracy = evaluate(model, images, labels)
    print(f"test accuracy: {accuracy * 100:.2f}% ({round(accuracy * len(labels))}/{len(labels)})")
    return 0


# MARK: - bench


def timed(step, steps, warmup):
    """Seconds and process CPU seconds of `steps` calls of step(), after `warmup` untimed ones."""
    for _ in range(warmup):
        step()
    start, start_cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    return time.perf_counter() - start, time.process_time() - start_cpu


def inference_engine(model, x, engine, threads):
    """A step() running the eval-mode `model` on `x` in ONNX Runtime or OpenVINO.

    The model is exported to ONNX (opset 17) in a temporary folder; both engines fold
    BatchNorm into the convolutions and fuse the ReLUs when they load it.
    """
    import tempfile
    import numpy
    folder = tempfile.mkdtemp(prefix="dsdc-bench-onnx-")
    path = os.path.join(folder, "dsdcnet.onnx")
    torch.onnx.export(model, (x,), path, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}}, opset_version=17, dynamo=False)
    feed = x.contiguous().numpy().astype(numpy.float32)
    if engine == "onnxruntime":
        import onnxruntime
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        return lambda: session.run(None, {"image": feed}), onnxruntime.__version__
    import openvino
    core = openvino.Core()
    compiled = core.compile_model(path, "CPU", {"INFERENCE_NUM_THREADS": threads,
                                                "PERFORMANCE_HINT": "LATENCY"})
    request = compiled.create_infer_request()
    return lambda: request.infer({0: feed}), openvino.__version__


def command_bench(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    memory_format = torch.channels_last if args.layout == "channels_last" else torch.contiguous_format
    model = DSDCNet().to(memory_format=memory_format)
    x = torch.randn(args.batch, 1, 28, 28).contiguous(memory_format=memory_format)
    y = torch.randint(0, 10, (args.batch,))
    steps = args.steps or (20 if args.mode == "train" else 10)
    version = torch.__version__

    if args.engine != "torch":
        if args.mode != "infer":
            print(f"bench: --engine {args.engine} runs inference only (use --mode infer)", file=sys.stderr)
            return 2
        model.eval()
        step, version = inference_engine(model, torch.randn(args.batch, 1, 28, 28), args.engine, args.threads)
    elif args.mode == "train":
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            optimizer.step()
    else:
        model.eval()

        def step():
            with torch.inference_mode():
                model(x)

    seconds, cpu_seconds = timed(step, steps, args.warmup)
    # images_per_cpu_s (images per second of CPU time summed over threads) varies less than
    # images_per_s when other programs share the cores.
    print(json.dumps({
        "engine": args.engine, "layout": args.layout, "batch": args.batch, "mode": args.mode,
        "threads": args.threads, "steps": steps, "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3), "images_per_s": round(args.batch * steps / seconds, 1),
        "images_per_cpu_s": round(args.batch * steps / cpu_seconds, 1), "version": version,
    }))
    return 0


# MARK: - train


def one_cycle_lr(step, total, max_lr, warmup_fraction, div_factor=25.0, final_div_factor=1e4):
    """One-cycle schedule (as torch.optim.lr_scheduler.OneCycleLR with cosine annealing, no momentum cycling).

    Rises from max_lr/div_factor to max_lr over the first warmup_fraction of the steps,
    then falls to max_lr/(div_factor·final_div_factor), both halves along a half cosine.
    """
    initial = max_lr / div_factor
    final = initial / final_div_factor
    warmup = max(1, int(warmup_fraction * total))

    def cosine(start, end, t):
        return end + (start - end) * (1 + math.cos(math.pi * t)) / 2

    if step < warmup:
        return cosine(initial, max_lr, step / warmup)
    return cosine(max_lr, final, (step - warmup) / max(1, total - warmup))


def cosine_lr(step, total, max_lr, warmup_fraction):
    """Linear warm-up over warmup_fraction of the steps, then a half cosine from max_lr to 0."""
    warmup = int(warmup_fraction * total)
    if step < warmup:
        return max_lr * (step + 1) / warmup
    return max_lr * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup))) / 2


def command_train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    train_x, train_y = load_mnist(args.data, "train")
    test_x, test_y = load_mnist(args.data, "test")
    if args.train_limit:
        train_x, train_y = train_x[:args.train_limit], train_y[:args.train_limit]

    memory_format = torch.channels_last if args.layout == "channels_last" else torch.contiguous_format
    model = DSDCNet().to(memory_format=memory_format)
    if args.optimizer == "adamw":
        optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.999),
                                      eps=1e-8, weight_decay=args.weight_decay)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum,
                                    weight_decay=args.weight_decay, nesterov=args.nesterov)
    steps_per_epoch = math.ceil(len(train_x) / args.batch_size)
    total = steps_per_epoch * args.epochs

    def lr_at(step):
        if args.schedule == "onecycle":
            return one_cycle_lr(step, total, args.lr, args.warmup)
        if args.schedule == "cosine":
            return cosine_lr(step, total, args.lr, args.warmup)
        return args.lr

    print(json.dumps({"config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                                 if k != "func"}}), flush=True)
    history = []
    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        start, start_cpu = time.perf_counter(), time.process_time()
        order = torch.randperm(len(train_x), generator=generator)
        loss_sum, correct = 0.0, 0
        for first in range(0, len(train_x), args.batch_size):
            index = order[first:first + args.batch_size]
            x = random_shift(train_x[index], args.shift, generator) if args.augment else train_x[index]
            x = x.contiguous(memory_format=memory_format)
            y = train_y[index]
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step)
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=args.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            loss_sum += loss.item() * len(index)
            correct += (logits.argmax(dim=1) == y).sum().item()
        train_seconds = time.perf_counter() - start
        train_cpu_seconds = time.process_time() - start_cpu
        accuracy = evaluate(model, test_x, test_y)
        record = {"epoch": epoch, "train_loss": round(loss_sum / len(train_x), 5),
                  "train_accuracy": round(correct / len(train_x), 5),
                  "test_accuracy": round(accuracy, 5), "epoch_seconds": round(train_seconds, 1),
                  "epoch_cpu_seconds": round(train_cpu_seconds, 1),
                  "lr_end": lr_at(step - 1)}
        history.append(record)
        print(json.dumps(record), flush=True)

    if args.save:
        from safetensors.torch import save_file
        save_file(checkpoint_state_dict(model), str(args.save),
                  metadata={"source": "scripts/pytorch_reference.py train",
                            "test_accuracy": f"{history[-1]['test_accuracy']:.4f}",
                            "epochs": str(args.epochs)})
        print(f"saved {args.save}")
    # The last epoch is the result: picking the epoch with the best test accuracy would
    # tune the run to the test set.
    print(json.dumps({"final_test_accuracy": history[-1]["test_accuracy"], "final_epoch": history[-1]["epoch"],
                      "total_seconds": round(sum(r["epoch_seconds"] for r in history), 1)}), flush=True)
    return 0


# MARK: - Command line


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="PyTorch reference for dsdc's DSDC-Net: writes the Swift tests' fixtures, "
                    "checks dsdc checkpoints, benchmarks, and runs training recipes.",
        epilog="Run `%(prog)s SUBCOMMAND --help` for the options of each subcommand.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")

    fixtures = commands.add_parser(
        "fixtures", help="write the JSON fixtures into Tests/DSDCTests/Fixtures/",
        description="Write conv_cases.json, layers.json and dsdcnet_batch.json into "
                    f"{FIXTURES_DIRECTORY.relative_to(REPOSITORY_ROOT)}/ (needs Data/mnist/t10k-*).")
    fixtures.add_argument("--seed", type=int, default=1234,
                          help="seed of the random inputs of the convolution and layer cases (default 1234)")
    fixtures.add_argument("--threads", type=int, default=1,
                          help="PyTorch threads; 1 keeps float32 sums in a fixed order (default 1)")
    fixtures.set_defaults(func=command_fixtures)

    check = commands.add_parser(
        "check-checkpoint", help="load a dsdc .safetensors checkpoint and measure test accuracy",
        description="Load a dsdc checkpoint into DSDCNet (every key but num_batches_tracked must "
                    "match), print missing/unexpected keys and the file's metadata, and evaluate "
                    "accuracy on the 10,000 MNIST test images in eval mode.")
    check.add_argument("checkpoint", type=Path, metavar="PATH.safetensors")
    check.add_argument("--data", type=Path, default=MNIST_DIRECTORY,
                       help="folder with the MNIST .gz files (default: the repository's Data/mnist)")
    check.add_argument("--threads", type=int, default=2, help="PyTorch threads (default 2)")
    check.set_defaults(func=command_check_checkpoint)

    bench = commands.add_parser(
        "bench", help="time training steps or inference; prints one JSON line",
        description="Time DSDCNet on random MNIST-shaped data: training steps (Adam, lr 1e-3) or "
                    "inference in eval mode, after warm-up. Prints one JSON line with images_per_s.")
    bench.add_argument("--layout", choices=["nchw", "channels_last"], default="nchw",
                       help="memory format of the model and input (default nchw)")
    bench.add_argument("--batch", type=int, default=64, help="batch size (default 64)")
    bench.add_argument("--threads", type=int, default=2, help="PyTorch threads (default 2)")
    bench.add_argument("--mode", choices=["train", "infer"], default="train", help="default train")
    bench.add_argument("--steps", type=int, default=0,
                       help="timed steps (default 20 for train, 10 for infer)")
    bench.add_argument("--warmup", type=int, default=3, help="untimed steps first (default 3)")
    bench.add_argument("--engine", choices=["torch", "onnxruntime", "openvino"], default="torch",
                       help="run inference in PyTorch, or export to ONNX and run it in ONNX Runtime or "
                            "OpenVINO (pip install onnxruntime openvino; --mode infer only; default torch)")
    bench.set_defaults(func=command_bench)

    train = commands.add_parser(
        "train", help="train DSDCNet on MNIST and print test accuracy per epoch",
        description="A plain PyTorch training run on MNIST (Data/mnist), printing one JSON line "
                    "per epoch (train loss, test accuracy, seconds). Used to choose dsdc's "
                    "default recipe.")
    train.add_argument("--epochs", type=int, default=8, help="default 8")
    train.add_argument("--seed", type=int, default=0, help="seeds weights, shuffling, augmentation (default 0)")
    train.add_argument("--optimizer", choices=["adamw", "sgd"], default="adamw", help="default adamw")
    train.add_argument("--lr", type=float, default=3e-3,
                       help="peak learning rate (one-cycle/cosine) or the constant rate (default 3e-3)")
    train.add_argument("--weight-decay", type=float, default=1e-4,
                       help="AdamW decoupled decay or SGD L2 decay, on every parameter (default 1e-4)")
    train.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (default 0.9)")
    train.add_argument("--nesterov", action=argparse.BooleanOptionalAction, default=True,
                       help="SGD Nesterov momentum (default on)")
    train.add_argument("--schedule", choices=["onecycle", "cosine", "constant"], default="onecycle",
                       help="onecycle: half-cosine up from lr/25 then down to lr/25e4; cosine: linear "
                            "warm-up then half-cosine to 0 (default onecycle)")
    train.add_argument("--warmup", type=float, default=0.2,
                       help="fraction of all steps spent rising to the peak (default 0.2)")
    train.add_argument("--batch-size", type=int, default=128, help="default 128")
    train.add_argument("--augment", action=argparse.BooleanOptionalAction, default=True,
                       help="random shift of each training image (default on)")
    train.add_argument("--shift", type=int, default=2, help="largest shift in pixels (default 2)")
    train.add_argument("--label-smoothing", type=float, default=0.0, help="default 0")
    train.add_argument("--threads", type=int, default=2, help="PyTorch threads (default 2)")
    train.add_argument("--layout", choices=["nchw", "channels_last"], default="channels_last",
                       help="memory format; channels_last is faster on CPU, same results (default)")
    train.add_argument("--data", type=Path, default=MNIST_DIRECTORY,
                       help="folder with the MNIST .gz files (default: the repository's Data/mnist)")
    train.add_argument("--train-limit", type=int, default=0,
                       help="use only the first N training images (0: all; for quick trials)")
    train.add_argument("--save", type=Path, default=None,
                       help="write the final weights as a dsdc-style .safetensors checkpoint")
    train.set_defaults(func=command_train)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    try:
        return args.func(args)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        print("---> HINT: the MNIST .gz files are expected in Data/mnist (or pass --data)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
