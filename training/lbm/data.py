"""Training images: photos from ../shared/data (and Blender renders when present), held in memory
as uint8 arrays, served as random crops with flips and a mild colour jitter.

Held out, never trained on: the 24 Kodak photos and the BSDS500 test split (evaluation sets of
the VAE and of object removal), and the renders of the `test` split."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

# The shared photos sit beside the checkout (../shared/data/photos); LBM_PHOTOS points elsewhere.
PHOTOS = Path(os.environ.get("LBM_PHOTOS", Path(__file__).resolve().parents[3] / "shared" / "data" / "photos"))
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}

# Folders a training run may read, relative to ../shared/data/photos.
TRAIN_PHOTO_DIRS = ("cq100", "bsds500/images/train", "bsds500/images/val", "urban100")
HELD_OUT_PHOTO_DIRS = ("kodak24", "bsds500/images/test")


def list_images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def training_photos(root: Path = PHOTOS) -> list[Path]:
    files = [f for d in TRAIN_PHOTO_DIRS for f in list_images(root / d)]
    held = {f.resolve() for d in HELD_OUT_PHOTO_DIRS for f in list_images(root / d)}
    assert not held.intersection(f.resolve() for f in files), "a held-out photo is in the training set"
    return files


def is_validation_scene(scene_id: int) -> bool:
    """Every tenth train-split render scene is kept out of training to choose checkpoints and
    engine settings by (the test split is the evaluation set)."""
    return scene_id % 10 == 0


def training_renders(cache: Path) -> list[Path]:
    """Rendered frames of the train split (training/render), if the cache exists."""
    if not cache.exists():
        return []
    out = []
    for meta in sorted(cache.rglob("meta.json")):
        if json.loads(meta.read_text()).get("split") != "train":
            continue
        out += [p for p in meta.parent.glob("*.png") if p.name != "mask.png"]
    return out


def load_rgb(path: Path, max_side: int | None = None) -> np.ndarray:
    img = Image.open(path).convert("RGB")
    if max_side and max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.LANCZOS)
    return np.asarray(img, dtype=np.uint8)


@dataclass
class CropSampler:
    """Random crops from images held in memory; the generator makes the stream resumable."""
    images: list[np.ndarray]
    crop: int

    def batch(self, n: int, gen: torch.Generator, jitter: float = 0.05) -> torch.Tensor:
        out = torch.empty(n, 3, self.crop, self.crop)
        for k in range(n):
            img = self.images[int(torch.randint(len(self.images), (1,), generator=gen))]
            h, w, _ = img.shape
            y = int(torch.randint(h - self.crop + 1, (1,), generator=gen))
            x = int(torch.randint(w - self.crop + 1, (1,), generator=gen))
            t = torch.from_numpy(np.ascontiguousarray(img[y:y + self.crop, x:x + self.crop])).permute(2, 0, 1).float() / 255
            if torch.rand(1, generator=gen) < 0.5:
                t = t.flip(2)
            gain = 1 + jitter * (2 * torch.rand(3, 1, 1, generator=gen) - 1)
            out[k] = (t * gain).clamp(0, 1)
        return out * 2 - 1  # the VAE's pixel range [-1, 1]
