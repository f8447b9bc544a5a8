"""Object-shaped masks for object removal and subject selection, from three sources:

- BSDS500 human segmentations: one segment of one annotator (real object outlines);
- Tux Paint's photographic cut-outs: their alpha, scaled and placed at random;
- random brush strokes: thick random walks, as a user paints.

Each mask is a HxW float array in {0, 1} covering `min_cover` to `max_cover` of the image (3 to
40 percent by default, as the removal issue asks). Held out: the BSDS test split's segmentations
and every tenth cut-out (by sorted path), which training never uses."""
from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .data import PHOTOS

BSDS_TRUTH = PHOTOS / "bsds500" / "groundTruth"
CUTOUTS = Path("/usr/share/tuxpaint/stamps")


def bsds_segments(split: str) -> list[Path]:
    return sorted((BSDS_TRUTH / split).glob("*.mat"))


def cutout_files(split: str) -> list[Path]:
    files = sorted(Path(p) for p in glob.glob(str(CUTOUTS / "**" / "*.png"), recursive=True))
    return [f for i, f in enumerate(files) if (i % 10 == 0) == (split == "test")]


@dataclass
class MaskSource:
    height: int
    width: int
    min_cover: float = 0.03
    max_cover: float = 0.40

    def _fits(self, m: np.ndarray) -> bool:
        return self.min_cover <= m.mean() <= self.max_cover

    def _resize(self, m: np.ndarray) -> np.ndarray:
        img = Image.fromarray((m * 255).astype(np.uint8)).resize((self.width, self.height), Image.BILINEAR)
        return (np.asarray(img) > 127).astype(np.float32)

    def bsds(self, mat: Path, rng: np.random.Generator) -> np.ndarray | None:
        """A random segment of a random annotator of one BSDS photo, if one has a usable size."""
        import scipy.io
        truth = scipy.io.loadmat(str(mat))["groundTruth"][0]
        seg = truth[rng.integers(len(truth))]["Segmentation"][0, 0]
        labels = rng.permutation(np.unique(seg))
        for label in labels:
            m = self._resize((seg == label).astype(np.float32))
            if self._fits(m):
                return m
        return None

    def cutout(self, png: Path, rng: np.random.Generator) -> np.ndarray | None:
        """A cut-out's alpha, scaled to cover a random share of the image and placed at random."""
        alpha = np.asarray(Image.open(png).convert("RGBA"))[..., 3]
        if alpha.max() == 0:
            return None
        target = rng.uniform(self.min_cover, self.max_cover)
        scale = np.sqrt(target * self.height * self.width / max(1, (alpha > 127).sum()))
        h, w = max(1, int(alpha.shape[0] * scale)), max(1, int(alpha.shape[1] * scale))
        if h > self.height or w > self.width:
            return None
        a = np.asarray(Image.fromarray(alpha).resize((w, h), Image.BILINEAR)) > 127
        out = np.zeros((self.height, self.width), np.float32)
        y, x = rng.integers(0, self.height - h + 1), rng.integers(0, self.width - w + 1)
        out[y:y + h, x:x + w] = a
        return out if self._fits(out) else None

    def strokes(self, rng: np.random.Generator) -> np.ndarray:
        """Thick random walks until the mask covers a random share of the image."""
        target = rng.uniform(self.min_cover, self.max_cover)
        img = Image.new("L", (self.width, self.height), 0)
        draw = ImageDraw.Draw(img)
        side = min(self.width, self.height)
        while np.asarray(img).mean() / 255 < target:
            x, y = rng.uniform(0, self.width), rng.uniform(0, self.height)
            width = int(rng.uniform(0.03, 0.12) * side)
            for _ in range(rng.integers(3, 9)):
                angle, length = rng.uniform(0, 2 * np.pi), rng.uniform(0.05, 0.25) * side
                nx = float(np.clip(x + length * np.cos(angle), 0, self.width - 1))
                ny = float(np.clip(y + length * np.sin(angle), 0, self.height - 1))
                draw.line([(x, y), (nx, ny)], fill=255, width=width, joint="curve")
                draw.ellipse([nx - width / 2, ny - width / 2, nx + width / 2, ny + width / 2], fill=255)
                x, y = nx, ny
        return (np.asarray(img) > 127).astype(np.float32)

    def any(self, rng: np.random.Generator, split: str = "train") -> np.ndarray:
        """One mask from a source drawn at random; strokes when a file gives no usable mask."""
        kind = rng.integers(3)
        if kind == 0 and (files := bsds_segments("test" if split == "test" else "train")):
            m = self.bsds(files[rng.integers(len(files))], rng)
        elif kind == 1 and (files := cutout_files(split)):
            m = self.cutout(files[rng.integers(len(files))], rng)
        else:
            m = None
        return m if m is not None else self.strokes(rng)
