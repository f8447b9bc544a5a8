"""Pixel losses and metrics. No LPIPS here (its weights cannot be downloaded): L1 keeps colours
right, an L1 on image gradients at two scales keeps edges and texture sharp, and an optional
squared error pulls an uncertain pixel towards the mean of what it could be (the value PSNR
rewards) rather than the median an L1 settles on."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def weighted_mean(x: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    """Mean of x (N, C, H, W) weighted per pixel by weight (N, 1, H, W); the plain mean without one."""
    return x.mean() if weight is None else (x * weight).mean() / weight.mean()


def gradient_l1(a: torch.Tensor, b: torch.Tensor, weight: torch.Tensor | None = None) -> torch.Tensor:
    def grads(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return x[..., :, 1:] - x[..., :, :-1], x[..., 1:, :] - x[..., :-1, :]
    loss = a.new_zeros(())
    for scale in (1, 2):
        if scale > 1:
            a, b = F.avg_pool2d(a, scale), F.avg_pool2d(b, scale)
            weight = None if weight is None else F.avg_pool2d(weight, scale)
        (ax, ay), (bx, by) = grads(a), grads(b)
        wx, wy = (None, None) if weight is None else (weight[..., :, 1:], weight[..., 1:, :])
        loss = loss + weighted_mean((ax - bx).abs(), wx) + weighted_mean((ay - by).abs(), wy)
    return loss


def pixel_loss(pred: torch.Tensor, target: torch.Tensor, gradient_weight: float = 0.5,
               weight: torch.Tensor | None = None, mse_weight: float = 0.0) -> torch.Tensor:
    """L1 plus gradient L1 plus `mse_weight` times the squared error, optionally weighted per
    pixel (weight: N, 1, H, W)."""
    error = pred - target
    loss = weighted_mean(error.abs(), weight) + gradient_weight * gradient_l1(pred, target, weight)
    if mse_weight:
        loss = loss + mse_weight * weighted_mean(error ** 2, weight)
    return loss


def rec709(device: torch.device) -> torch.Tensor:
    """Rec. 709 luma weights, shaped (1, 3, 1, 1) to weigh RGB images."""
    return torch.tensor([0.2126, 0.7152, 0.0722], device=device).view(1, 3, 1, 1)


def luma(x: torch.Tensor) -> torch.Tensor:
    """Rec. 709 luma in 0..1 of images in [-1, 1] (N, 3, H, W -> N, 1, H, W)."""
    return ((x + 1) / 2 * rec709(x.device)).sum(dim=1, keepdim=True)


def soft_shadow_iou(change: torch.Tensor, target_change: torch.Tensor, outside: torch.Tensor,
                    drop: float, softness: float) -> torch.Tensor:
    """Mean over the batch of a differentiable IoU between the shadow regions of two decoded changes
    (N, 3, H, W in [-1, 1] units): where the luma falls by more than `drop` (0..1) inside `outside`
    (N, 1, H, W, bool). The estimate's region ramps linearly from 0 to 1 over `softness` around
    the threshold (a sigmoid's tail, summed over a whole ground that does not darken, would count
    as a region and push the model to brighten it), the target's is hard; 1 where both are empty,
    as the evaluation counts it."""
    fall = lambda x: -(x * rec709(x.device)).sum(dim=1, keepdim=True) / 2
    pred = ((fall(change) - drop) / softness + 0.5).clamp(0, 1) * outside
    true = ((fall(target_change) > drop) & outside).float()
    inter = (pred * true).sum(dim=(1, 2, 3))
    union = (pred + true - pred * true).sum(dim=(1, 2, 3))
    return ((inter + 1) / (union + 1)).mean()


def psnr(a: torch.Tensor, b: torch.Tensor, peak: float = 2.0) -> float:
    """PSNR in dB of images in [-1, 1] (peak-to-peak 2)."""
    mse = F.mse_loss(a.clamp(-1, 1), b.clamp(-1, 1)).item()
    return 10 * torch.log10(torch.tensor(peak * peak / max(mse, 1e-12))).item()


def ssim(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean SSIM (Gaussian window 11, sigma 1.5) over channels, images mapped to [0, 1]."""
    a, b = (a.clamp(-1, 1) + 1) / 2, (b.clamp(-1, 1) + 1) / 2
    g = torch.exp(-((torch.arange(11) - 5.0) ** 2) / (2 * 1.5 ** 2))
    g = (g / g.sum()).to(a)
    win = (g[:, None] * g[None, :]).expand(a.shape[1], 1, 11, 11)
    blur = lambda x: F.conv2d(x, win, groups=a.shape[1])
    mu_a, mu_b = blur(a), blur(b)
    var_a, var_b = blur(a * a) - mu_a ** 2, blur(b * b) - mu_b ** 2
    cov = blur(a * b) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return s.mean().item()
