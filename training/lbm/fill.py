"""How the removal model's source is filled inside the mask before it is encoded.

`noise`: uniform random pixels, as the LBM paper does. `pushpull`: a smooth fill from the pixels
around the hole (a push-pull pyramid): it already continues the surrounding colours about as well
as OpenCV's Telea inpainting, so the model only has to add what a smooth fill lacks. The app
(src/main/engine/fill.ts) implements the same definition; tests/engine/fill.test.ts checks the
two agree on a fixture this module writes.

Push-pull, exactly: level 0 holds a = image * known and w = known. Each coarser level sums 2x2
blocks of the one below (sides rounded up; a missing row or column counts as zero), down to 1x1.
Going back up, level l's fill = alpha * a / w + (1 - alpha) * up, where up is the fill of level
l + 1 upsampled bilinearly by exactly 2 (PyTorch's `align_corners=False` rule: level l's pixel j samples
level l + 1 at (j + 0.5) / 2 - 0.5, clamped to the edges) and cut to level l's size, and
alpha = min(1, 4 * w / n), with n the number of level-0 pixels a block of level l covers (4^l, less
at the bottom and right edges). At level 0, alpha is 1 on known pixels, so they are kept exactly.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def _sum2x2(x: torch.Tensor) -> torch.Tensor:
    h, w = x.shape[-2:]
    x = F.pad(x, (0, w % 2, 0, h % 2))
    return F.avg_pool2d(x, 2) * 4


def pushpull_fill(image: torch.Tensor, hole: torch.Tensor) -> torch.Tensor:
    """`image` [N,C,H,W], `hole` [N,1,H,W] (1 = to fill): the image with its hole filled smoothly.
    A sample whose whole image is hole gets 0 (mid grey in the [-1, 1] range)."""
    known = (hole <= 0.5).to(image.dtype)
    a, w, n = image * known, known, torch.ones_like(known)
    levels = [(a, w, n)]
    while max(a.shape[-2:]) > 1:
        a, w, n = _sum2x2(a), _sum2x2(w), _sum2x2(n)
        levels.append((a, w, n))
    fill = a / w.clamp(min=1e-8)
    for a, w, n in reversed(levels[:-1]):
        height, width = a.shape[-2:]
        # Scale exactly 2 (not size / coarse size): coarse pixel i is the block of rows 2i and 2i+1.
        up = F.interpolate(fill, scale_factor=2.0, mode="bilinear", align_corners=False)[..., :height, :width]
        alpha = (4 * w / n).clamp(max=1)
        fill = alpha * (a / w.clamp(min=1e-8)) + (1 - alpha) * up
    return torch.where(known > 0, image, fill)


def fill_hole(kind: str, image: torch.Tensor, hole: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """The removal source: `image` with `hole` filled as `kind` says (`noise` or `pushpull`)."""
    if kind == "noise":
        noise = torch.rand(image.shape, generator=generator, device=image.device) * 2 - 1
        return torch.where(hole > 0.5, noise, image)
    if kind == "pushpull":
        return pushpull_fill(image, hole)
    raise ValueError(f"unknown hole fill {kind!r} (known: noise, pushpull)")
