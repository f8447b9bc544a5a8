"""The reference LBM sampler (shared/docs/lbm.md): Euler steps along the bridge from sigma = 1
(source) to 0 (target), fresh bridge noise between steps, none after the last."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch

Denoiser = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (sample, timestep) -> v


def sigmas(steps: int) -> list[float]:
    """`linspace(1, 1/N, N) + [0]`."""
    return [float(s) for s in np.linspace(1.0, 1.0 / steps, steps)] + [0.0]


@torch.no_grad()
def sample(
    net: Denoiser,
    z_src: torch.Tensor,
    cond: torch.Tensor | None,
    steps: int,
    bridge_noise_sigma: float,
    noise: Sequence[torch.Tensor] | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Returns z_tgt. `noise` (steps - 1 tensors shaped like z_src) wins over `generator`."""
    if noise is not None and len(noise) != steps - 1:
        raise ValueError(f"{steps} steps need {steps - 1} noise tensors, got {len(noise)}")
    sig = sigmas(steps)
    z = z_src
    for i in range(steps):
        x = z if cond is None else torch.cat([z, cond], dim=1)
        v = net(x, torch.full((1,), 1000.0 * sig[i], dtype=torch.float32, device=z.device))
        z = z + (sig[i + 1] - sig[i]) * v
        if i < steps - 1:
            eps = noise[i] if noise is not None else torch.randn(z.shape, generator=generator, dtype=z.dtype).to(z.device)
            z = z + bridge_noise_sigma * float(np.sqrt(sig[i + 1] * (1 - sig[i + 1]))) * eps
    return z
