"""The two networks of a bundle: a pixel-unshuffle VAE (encoder and decoder exported separately) and
a small UNet bridge denoiser. Sized for a 2-core CPU (see shared/docs/budgets.md).

Portable op set (the exported graphs at opset 17, checked by hand): Conv, Add, Mul, Sigmoid (SiLU),
Sin, Cos, Gemm, Concat, Reshape/Transpose/Squeeze/Unsqueeze (pixel unshuffle, GroupNorm),
InstanceNormalization (PyTorch's GroupNorm export), DepthToSpace (pixel shuffle), Resize (nearest),
Shape/Gather/Slice/Cast (to size an upsampled map like its skip connection), Constant, Identity.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class VaeConfig:
    latent_channels: int = 4      # C of the latent (SDXL: 4)
    widths: tuple[int, int] = (64, 128)  # channels at 1/4 and 1/8 resolution
    blocks: int = 2               # residual blocks per resolution, encoder and decoder alike
    groups: int = 8               # GroupNorm groups

    @property
    def downsample(self) -> int:
        return 8                  # pixel (un)shuffle 4 times one stride-2 step: fixed by design


@dataclass(frozen=True)
class UNetConfig:
    latent_channels: int = 4      # C of `v` and of the latent part of `sample`
    cond_channels: int = 0        # sum of conditioning channels after the latent
    widths: tuple[int, ...] = (64, 128, 256)  # one level per width; len(widths)-1 downsamplings
    blocks: int = 1               # residual blocks per level (down path; up path has the same)
    groups: int = 8               # GroupNorm groups
    time_dim: int = 32            # sinusoidal embedding size of `timestep`
    time_hidden: int = 64         # width of the timestep MLP
    extra: int = 0                # residual blocks added after each level, down and up, that start
                                  # as the identity (a second round grows a trained network's depth)

    @property
    def in_channels(self) -> int:
        return self.latent_channels + self.cond_channels


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice, optional additive timestep embedding, 1x1 skip on width change."""

    def __init__(self, cin: int, cout: int, groups: int, time_hidden: int = 0, identity: bool = False):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(time_hidden, cout) if time_hidden else None
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        if identity:  # the residual starts at zero: the block passes its input through unchanged
            nn.init.zeros_(self.conv2.weight)
            nn.init.zeros_(self.conv2.bias)

    def forward(self, x: torch.Tensor, temb: torch.Tensor | None = None) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time is not None and temb is not None:
            h = h + self.time(temb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Encoder(nn.Module):
    """`image` [1,3,H,W] in pixelRange -> `latent` [1,C,H/8,W/8]: the mean, unscaled, no sampling."""

    def __init__(self, cfg: VaeConfig):
        super().__init__()
        w1, w2 = cfg.widths
        self.conv_in = nn.Conv2d(3 * 16, w1, 3, padding=1)
        self.blocks1 = nn.ModuleList(ResBlock(w1, w1, cfg.groups) for _ in range(cfg.blocks))
        self.down = nn.Conv2d(w1, w2, 3, stride=2, padding=1)
        self.blocks2 = nn.ModuleList(ResBlock(w2, w2, cfg.groups) for _ in range(cfg.blocks))
        self.norm_out = nn.GroupNorm(cfg.groups, w2)
        self.conv_out = nn.Conv2d(w2, cfg.latent_channels, 3, padding=1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(F.pixel_unshuffle(image, 4))
        for b in self.blocks1:
            h = b(h)
        h = self.down(h)
        for b in self.blocks2:
            h = b(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    """`latent` [1,C,h,w] (already z / scale + shift) -> `image` [1,3,8h,8w], unclamped."""

    def __init__(self, cfg: VaeConfig):
        super().__init__()
        w1, w2 = cfg.widths
        self.conv_in = nn.Conv2d(cfg.latent_channels, w2, 3, padding=1)
        self.blocks2 = nn.ModuleList(ResBlock(w2, w2, cfg.groups) for _ in range(cfg.blocks))
        self.up = nn.Conv2d(w2, w1 * 4, 3, padding=1)
        self.blocks1 = nn.ModuleList(ResBlock(w1, w1, cfg.groups) for _ in range(cfg.blocks))
        self.norm_out = nn.GroupNorm(cfg.groups, w1)
        self.conv_out = nn.Conv2d(w1, 3 * 16, 3, padding=1)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(latent)
        for b in self.blocks2:
            h = b(h)
        h = F.pixel_shuffle(self.up(h), 2)
        for b in self.blocks1:
            h = b(h)
        return F.pixel_shuffle(self.conv_out(F.silu(self.norm_out(h))), 4)


class TimestepEmbedding(nn.Module):
    """Sinusoidal features of `timestep` (= 1000 * sigma), then a two-layer MLP."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        half = dim // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        self.register_buffer("freqs", freqs, persistent=False)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden))

    def forward(self, timestep: torch.Tensor) -> torch.Tensor:
        args = timestep.reshape(-1, 1) * self.freqs[None, :]
        return F.silu(self.mlp(torch.cat([torch.sin(args), torch.cos(args)], dim=1)))


class UNet(nn.Module):
    """Bridge denoiser: `sample` [1, C+K, h, w], `timestep` [1] -> `v` [1, C, h, w].

    Downsampling is a stride-2 conv (odd sizes round up); upsampling is nearest resize to the skip
    connection's exact size, so any h, w work, not only multiples of 2**(levels-1).
    """

    def __init__(self, cfg: UNetConfig):
        super().__init__()
        self.cfg = cfg
        ws, g, th = cfg.widths, cfg.groups, cfg.time_hidden
        self.time = TimestepEmbedding(cfg.time_dim, th) if th else None  # none: a plain UNet (SegNet)
        self.conv_in = nn.Conv2d(cfg.in_channels, ws[0], 3, padding=1)
        self.down_blocks = nn.ModuleList()
        self.downs = nn.ModuleList()
        skip_widths = [ws[0]]
        cin = ws[0]
        for i, w in enumerate(ws):
            level = nn.ModuleList()
            for _ in range(cfg.blocks):
                level.append(ResBlock(cin, w, g, th))
                cin = w
                skip_widths.append(w)
            self.down_blocks.append(level)
            if i < len(ws) - 1:
                self.downs.append(nn.Conv2d(w, w, 3, stride=2, padding=1))
                skip_widths.append(w)
        self.mid = ResBlock(cin, cin, g, th)
        self.up_blocks = nn.ModuleList()
        for i, w in reversed(list(enumerate(ws))):
            level = nn.ModuleList()
            for _ in range(cfg.blocks + 1):
                level.append(ResBlock(cin + skip_widths.pop(), w, g, th))
                cin = w
            self.up_blocks.append(level)
        self.norm_out = nn.GroupNorm(g, cin)
        self.conv_out = nn.Conv2d(cin, cfg.latent_channels, 3, padding=1)
        # Empty lists when extra is 0: no weights, so such models keep their state-dict keys.
        self.down_extra = self._extra_blocks(ws, cfg)
        self.up_extra = self._extra_blocks(list(reversed(ws)), cfg)
        self.context: nn.Module | None = None  # SegNet may add a ContextBranch after the middle block

    @staticmethod
    def _extra_blocks(widths: list[int], cfg: UNetConfig) -> nn.ModuleList:
        return nn.ModuleList(nn.ModuleList(ResBlock(w, w, cfg.groups, cfg.time_hidden, identity=True)
                                           for _ in range(cfg.extra)) for w in widths)

    @staticmethod
    def _run(blocks: nn.ModuleList, h: torch.Tensor, temb: torch.Tensor | None) -> torch.Tensor:
        for block in blocks:
            h = block(h, temb)
        return h

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor | None = None) -> torch.Tensor:
        temb = self.time(timestep) if self.time is not None else None
        h = self.conv_in(sample)
        skips = [h]
        for i, level in enumerate(self.down_blocks):
            for block in level:
                h = block(h, temb)
                skips.append(h)
            skips[-1] = h = self._run(self.down_extra[i], h, temb)
            if i < len(self.downs):
                h = self.downs[i](h)
                skips.append(h)
        h = self.mid(h, temb)
        if self.context is not None:
            h = self.context(h)
        for i, level in enumerate(self.up_blocks):
            for j, block in enumerate(level):
                skip = skips.pop()
                if i > 0 and j == 0:  # entering a finer level: upsample to the skip's exact size
                    h = F.interpolate(h, size=skip.shape[-2:], mode="nearest")
                h = block(torch.cat([h, skip], dim=1), temb)
            h = self._run(self.up_extra[i], h, temb)
        return self.conv_out(F.silu(self.norm_out(h)))


def param_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


class ContextBranch(nn.Module):
    """Context for a small UNet's bottleneck, which otherwise sees about a fifth of the photo:
    `levels` more stride-2 downsamplings with a residual block each, brought back to the
    bottleneck's size, and the global mean of the deepest level, added through a 1x1 conv that
    starts at zero (so a model trained without the branch starts unchanged)."""

    def __init__(self, width: int, levels: int, groups: int):
        super().__init__()
        self.downs = nn.ModuleList(nn.Conv2d(width, width, 3, stride=2, padding=1) for _ in range(levels))
        self.blocks = nn.ModuleList(ResBlock(width, width, groups) for _ in range(levels))
        self.out = nn.Conv2d(2 * width, width, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        x = h
        for down, block in zip(self.downs, self.blocks):
            x = block(down(x))
        whole = x.mean(dim=(2, 3), keepdim=True)
        x = F.interpolate(x, size=h.shape[-2:], mode="bilinear", align_corners=False)
        return h + self.out(torch.cat([x, whole.expand_as(x)], dim=1))


@dataclass(frozen=True)
class SegConfig:
    """Subject segmentation network: pixels in, subject probability out, at the working size."""
    unshuffle: int = 4                       # space-to-depth factor of the input (and of the output)
    widths: tuple[int, ...] = (32, 64, 128)  # UNet levels below the unshuffled input
    blocks: int = 1
    groups: int = 8
    context: int = 0                         # ContextBranch levels below the UNet's (0: none)
    extra: int = 0                           # identity-started blocks per level (UNetConfig.extra)


class SegNet(nn.Module):
    """`image` [1, 3, H, W] in [-1, 1] -> `mask` [1, 1, H, W] in [0, 1] (H, W multiples of
    `unshuffle`). Pixel-unshuffle keeps the full-resolution work tiny (as the VAE does); the
    plain UNet body (no timestep) sees 1/4 to 1/16 of the image; pixel-shuffle gives back a mask
    at full working resolution, whose edges the app then refines against the photo."""

    def __init__(self, cfg: SegConfig):
        super().__init__()
        self.cfg = cfg
        f = cfg.unshuffle
        self.body = UNet(UNetConfig(latent_channels=f * f, cond_channels=3 * f * f - f * f, widths=cfg.widths,
                                    blocks=cfg.blocks, groups=cfg.groups, time_dim=8, time_hidden=0,
                                    extra=cfg.extra))
        if cfg.context:
            self.body.context = ContextBranch(cfg.widths[-1], cfg.context, cfg.groups)

    def logits(self, image: torch.Tensor) -> torch.Tensor:
        f = self.cfg.unshuffle
        return F.pixel_shuffle(self.body(F.pixel_unshuffle(image, f)), f)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(image))
