"""The LBM training objective (shared/docs/lbm.md, "Training recipe"):

- sigma drawn from the discrete law over {1, .75, .5, .25} (uniform for most tasks);
- the bridge interpolant z_sigma = sigma*z_src + (1-sigma)*z_tgt + s_b*sqrt(sigma*(1-sigma))*eps;
- the network sees concat(z_sigma, cond) at timestep 1000*sigma and regresses v = z_src - z_tgt
  (latent L2, weight 1);
- the denoised estimate z_tgt_hat = z_sigma - sigma*v is decoded (gradients flow through the
  frozen decoder) on a random crop of at most `pixel_crop` pixels, and compared with the target
  with a pixel loss (L1 + multi-scale gradient L1: LPIPS weights cannot be downloaded here).

Options that point the pixel loss at what the app keeps of an edit:
- `pixel_delta`: compare the decoded *change* (decoded estimate minus the decoded source) with
  the target's change. Shadow and relight apply only that change to the photo, so the VAE's own
  reconstruction error, which the denoiser cannot fix, stops dominating the loss.
- `mask_weight`: extra weight inside the conditioning mask (removal pastes only those pixels).
- `change_weight`: extra weight where the target differs from the source. Under a plain L1, a
  shadow whose place is uncertain is best predicted absent (the median); the weight makes
  missing a shadow pixel cost more than a false one.
- `mse_weight`: adds that weight times the squared error of the decoded pixels, weighted per
  pixel as the L1 is. Removal is judged by PSNR, a squared error: where a hole's content is uncertain, the
  L1 alone settles on the median guess, the squared error on the mean, which scores higher.
- `iou_weight`: adds 1 - a soft IoU of the shadow region (the decoded change darkens the luma by
  more than `change_threshold / 2` outside the subject, the shadow evaluation's region) between
  estimate and target. The weighted L1 above pays for every missed shadow pixel and so learns a
  region wider than the true one; the IoU, the issue's metric, pays for the false ones too."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .losses import pixel_loss, soft_shadow_iou

SIGMA_GRID = (1.0, 0.75, 0.5, 0.25)


@dataclass(frozen=True)
class BridgeConfig:
    bridge_noise_sigma: float = 0.01
    sigma_law: tuple[float, float, float, float] = (0.25, 0.25, 0.25, 0.25)  # probabilities over SIGMA_GRID
    pixel_weight: float = 2.5
    pixel_crop: int = 512          # pixels; decoding is bounded to a crop this size
    scale: float = 1.0             # latent normalisation z = (latent - shift) * scale
    shift: float = 0.0
    pixel_delta: bool = False
    mask_weight: float = 0.0
    change_weight: float = 0.0
    change_threshold: float = 0.1  # in [-1, 1] units: 0.05 of the 0..1 range, the shadow IoU's drop
    mse_weight: float = 0.0
    iou_weight: float = 0.0
    iou_softness: float = 0.02     # luma (0..1) width of the soft threshold's ramp


def draw_sigma(n: int, cfg: BridgeConfig, gen: torch.Generator) -> torch.Tensor:
    idx = torch.multinomial(torch.tensor(cfg.sigma_law), n, replacement=True, generator=gen)
    return torch.tensor(SIGMA_GRID)[idx]


def interpolant(z_src: torch.Tensor, z_tgt: torch.Tensor, sigma: torch.Tensor, s_b: float, eps: torch.Tensor) -> torch.Tensor:
    s = sigma.view(-1, 1, 1, 1)
    return s * z_src + (1 - s) * z_tgt + s_b * torch.sqrt(s * (1 - s)) * eps


def pixel_weights(cfg: BridgeConfig, source: torch.Tensor | None, target: torch.Tensor,
                  mask: torch.Tensor | None) -> torch.Tensor | None:
    """Per-pixel weights (N, 1, H, W) of the pixel loss, or None when every pixel counts the same."""
    if not (cfg.mask_weight or cfg.change_weight):
        return None
    w = torch.ones_like(target[:, :1])
    if cfg.mask_weight:
        w = w + cfg.mask_weight * mask
    if cfg.change_weight:
        changed = (target - source).abs().amax(dim=1, keepdim=True) > cfg.change_threshold
        w = w + cfg.change_weight * changed.float()
    return w


def bridge_loss(unet, decoder, z_src: torch.Tensor, z_tgt: torch.Tensor, cond: torch.Tensor | None,
                target_pixels: torch.Tensor, cfg: BridgeConfig, gen: torch.Generator,
                source_pixels: torch.Tensor | None = None, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, dict]:
    """One batch of the LBM objective. Latents are normalised; pixels in [-1, 1]. `source_pixels`
    is needed by `change_weight`, `mask` (N, 1, H, W) by `mask_weight`."""
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
    window = (..., slice(y, y + ch), slice(x0, x0 + cw))
    pixel_window = (..., slice(y * f, (y + ch) * f), slice(x0 * f, (x0 + cw) * f))
    pixels = decoder(z_hat[window] / cfg.scale + cfg.shift)
    target = target_pixels[pixel_window]
    source = None if source_pixels is None else source_pixels[pixel_window]
    weight = pixel_weights(cfg, source, target, None if mask is None else mask[pixel_window])
    if cfg.pixel_delta:
        with torch.no_grad():
            reconstruction = decoder(z_src[window] / cfg.scale + cfg.shift)
        pixels, target = pixels - reconstruction, target - source
    pixel = pixel_loss(pixels, target, weight=weight, mse_weight=cfg.mse_weight)
    loss = latent + cfg.pixel_weight * pixel
    parts = {"latent": latent.item(), "pixel": pixel.item()}
    if cfg.iou_weight:
        if not cfg.pixel_delta or mask is None:
            raise ValueError("iou_weight needs pixel_delta and the subject mask")
        iou = soft_shadow_iou(pixels, target, mask[pixel_window] < 0.05, cfg.change_threshold / 2, cfg.iou_softness)
        loss = loss + cfg.iou_weight * (1 - iou)
        parts["iou"] = iou.item()
    return loss, parts
