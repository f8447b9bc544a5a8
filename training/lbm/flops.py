"""Counts a network's floating-point operations, so the app's benchmark can say how much work each
network does and how many GFLOP/s it reached. Convolutions and linear layers only (the rest is a
rounding error at these widths); a multiply-add counts as 2 FLOPs."""
import torch
from torch import nn


def count_flops(module: nn.Module, args: tuple[torch.Tensor, ...]) -> int:
    total = 0

    def conv(m: nn.Conv2d, _inp, out: torch.Tensor) -> None:
        nonlocal total
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        total += 2 * k * out.numel()

    def linear(m: nn.Linear, _inp, out: torch.Tensor) -> None:
        nonlocal total
        total += 2 * m.in_features * out.numel()

    hooks = [m.register_forward_hook(conv) for m in module.modules() if isinstance(m, nn.Conv2d)]
    hooks += [m.register_forward_hook(linear) for m in module.modules() if isinstance(m, nn.Linear)]
    try:
        with torch.no_grad():
            module(*args)
    finally:
        for h in hooks:
            h.remove()
    return total


def flops_per_pixel(module: nn.Module, args: tuple[torch.Tensor, ...]) -> float:
    """FLOPs per pixel of the first input's spatial size (the networks are fully convolutional)."""
    h, w = args[0].shape[-2:]
    return count_flops(module, args) / float(h * w)
