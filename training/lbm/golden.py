"""Golden fixtures computed by PyTorch for the TypeScript engine's tests (tests/fixtures/golden/).

A tensor is written as {"shape": [...], "data": [flat, row-major]}, each value the shortest decimal
that reads back to the same float32.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from .bundle import LbmSpec
from .light import Light, light_map_tensor
from .projection import projection_tensor
from .models import Decoder, Encoder, UNet
from .sampler import sample

GOLDEN_STEPS = (1, 2, 4)


def tensor_json(t: torch.Tensor | np.ndarray) -> dict:
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t
    a = np.ascontiguousarray(a, dtype=np.float32)
    return {"shape": list(a.shape), "data": [float(str(x)) for x in a.ravel()]}


def pattern_image(height: int, width: int, seed: int, phase: float = 0.0) -> torch.Tensor:
    """[1,3,H,W] in [-1,1]: smooth waves per channel plus a little Gaussian noise."""
    y = torch.linspace(0, 1, height)[:, None]
    x = torch.linspace(0, 1, width)[None, :]
    chans = [
        0.6 * torch.sin(2 * math.pi * (1.3 * x + 0.4 * y) + phase),
        0.5 * torch.cos(2 * math.pi * (0.7 * y - 0.9 * x) + 2 * phase) + 0.2 * x,
        0.7 * torch.sin(2 * math.pi * 0.5 * (x * x + y)) - 0.2,
    ]
    g = torch.Generator().manual_seed(seed)
    img = torch.stack(chans)[None] + 0.05 * torch.randn(1, 3, height, width, generator=g)
    return img.clamp(-1, 1)


def soft_blob_mask(height: int, width: int) -> torch.Tensor:
    """[1,1,H,W]: 1 inside an off-centre ellipse, a linear ramp to 0 over its rim."""
    y = (torch.arange(height) + 0.5)[:, None] / height
    x = (torch.arange(width) + 0.5)[None, :] / width
    d = torch.sqrt(((x - 0.45) / 0.25) ** 2 + ((y - 0.55) / 0.3) ** 2)
    return ((1.3 - d) / 0.6).clamp(0, 1)[None, None]


def resize_mask(mask: torch.Tensor, size: tuple[int, int], mode: str) -> torch.Tensor:
    if mode == "bilinear":
        return F.interpolate(mask, size=size, mode="bilinear", align_corners=False)
    return F.interpolate(mask, size=size, mode=mode)


@torch.no_grad()
def golden_for_lbm(model_id: str, spec: LbmSpec, unet: UNet, encoder: Encoder, decoder: Decoder,
                   lights: list[Light], seed: int, height: int = 64, width: int = 96) -> dict:
    encoder.eval(), decoder.eval(), unet.eval()
    vae = spec.vae
    out: dict = {"model": model_id}
    image = pattern_image(height, width, seed)
    latent = encoder(image)
    z_src = vae.normalise(latent)
    h, w = z_src.shape[-2:]
    out.update(image=tensor_json(image), latent=tensor_json(latent), zSource=tensor_json(z_src))
    mask = soft_blob_mask(height, width)
    out.update(mask=tensor_json(mask),
               maskLatent=tensor_json(resize_mask(mask, (h, w), "bilinear")),
               maskLatentArea=tensor_json(resize_mask(mask, (h, w), "area")))
    maps: list[torch.Tensor] = []
    for c in spec.conditioning:
        if c.kind == "mask":
            maps.append(resize_mask(mask, (h, w), c.resize))
        elif c.kind == "lightMap":
            assert spec.light_map is not None
            light_map = light_map_tensor(spec.light_map, c.channels, lights, w, h)
            out.update(lights=[l.to_json() for l in lights], lightMap=tensor_json(light_map))
            maps.append(light_map)
        elif c.kind == "shadowProjection":
            maps.append(projection_tensor(resize_mask(mask, (h, w), "bilinear"), lights[:1], c.sweep))
        elif c.kind == "image":
            background = pattern_image(height, width, seed + 1, phase=1.7)
            z_bg = vae.normalise(encoder(background))
            out.update(background=tensor_json(background), zBackground=tensor_json(z_bg))
            maps.append(z_bg)
        else:
            raise ValueError(f"conditioning kind {c.kind} is not one of: mask, lightMap, shadowProjection, image")
    cond = torch.cat(maps, dim=1) if maps else None
    if cond is not None:
        out["cond"] = tensor_json(cond)
    cases = []
    for steps in GOLDEN_STEPS:
        g = torch.Generator().manual_seed(seed * 100 + steps)
        noise = [torch.randn(z_src.shape, generator=g) for _ in range(steps - 1)]
        z_tgt = sample(unet, z_src, cond, steps, spec.bridge_noise_sigma, noise=noise)
        decoded = decoder(vae.denormalise(z_tgt)).clamp(*vae.pixel_range)
        cases.append({"steps": steps, "noise": [tensor_json(n) for n in noise],
                      "zTarget": tensor_json(z_tgt), "decoded": tensor_json(decoded)})
    out["cases"] = cases
    return out
