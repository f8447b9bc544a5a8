"""The LBM training objective (shared/docs/lbm.md, "Training recipe"):

- sigma drawn from the discrete law over {1, .75, .5, .25} (uniform for most tasks);
- the bridge interpolant z_sigma = sigma*z_src + (1-sigma)*z_tgt + s_b*sqrt(sigma*(1-sigma))*eps;
- the network sees concat(z_sigma, cond) at timestep 1000*sigma and regresses v = z_src - z_tgt
  (latent L2, weight 1);
- the denoised estimate z_tgt_hat = z_sigma - sigma*v is decoded (gradients flow through the
  frozen decoder) on a random crop of at most `pixel_crop` pixels, and compared with the target
  with a pixel loss (L1 + multi-scale gradient L1: LPIPS weights cannot be downloaded here)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .losses import pixel_loss

SIGMA_GRID = (1.0, 0.75, 0.5, 0.25)


@dataclass(frozen=True)
class BridgeConfig:
    bridge_noise_sigma: float = 0.01
    sigma_law: tuple[float, float, float, float] = (0.25, 0.25, 0.25, 0.25)  # probabilities over SIGMA_GRID
    pixel_weight: float = 2.5
    pixel_crop: int = 512          # pixels; decoding is bounded to a crop this size
    scale: float = 1.0             # latent normalisation z = (latent - shift) * scale
    shift: float = 0.0


def draw_sigma(n: int, cfg: BridgeConfig, gen: torch.Generator) -> torch.Tensor:
    idx = torch.multinomial(torch.tensor(cfg.sigma_law), n, replacement=True, generator=gen)
    return torch.tensor(SIGMA_GRID)[idx]


def interpolant(z_src: torch.Tensor, z_tgt: torch.Tensor, sigma: torch.Tensor, s_b: float, eps: torch.Tensor) -> torch.Tensor:
    s = sigma.view(-1, 1, 1, 1)
    return s * z_src + (1 - s) * z_tgt + s_b * torch.sqrt(s * (1 - s)) * eps


def bridge_loss(unet, decoder, z_src: torch.Tensor, z_tgt: torch.Tensor, cond: torch.Tensor | None,
                target_pixels: torch.Tensor, cfg: BridgeConfig, gen: torch.Generator) -> tuple[torch.Tensor, dict]:
    """One batch of the LBM objective. Latents are normalised; `target_pixels` in [-1, 1]."""
    n = z_src.shape[0]
    # Drawn on the CPU generator (resumable), then moved to the training device.
    sigma = draw_sigma(n, cfg, gen).to(z_src.device)
    eps = torch.randn(z_src.shape, generator=gen).to(z_src.device)
    z_sigma = interpolant(z_src, z_tgt, sigma, cfg.bridge_noise_sigma, eps)
    x = z_sigma if cond is None else torch.cat([z_sigma, cond], dim=1)
    v = unet(x, 1000.0 * sigma)
    latent = F.mse_loss(v, z_src - z_tgt)
    z_hat = z_sigma - sigma.view(-1, 1, 1, 1) * v
    # Decode a random latent crop only, so memory stays bounded at any training size.
    f = target_pixels.shape[-1] // z_src.shape[-1]
    ch = min(z_src.shape[-2], cfg.pixel_crop // f)
    cw = min(z_src.shape[-1], cfg.pixel_crop // f)
    y = int(torch.randint(z_src.shape[-2] - ch + 1, (1,), generator=gen))
    x0 = int(torch.randint(z_src.shape[-1] - cw + 1, (1,), generator=gen))
    crop = z_hat[..., y:y + ch, x0:x0 + cw] / cfg.scale + cfg.shift
    pixels = decoder(crop)
    target = target_pixels[..., y * f:(y + ch) * f, x0 * f:(x0 + cw) * f]
    pixel = pixel_loss(pixels, target)
    loss = latent + cfg.pixel_weight * pixel
    return loss, {"latent": latent.item(), "pixel": pixel.item()}
