"""Training pairs for the task models from the Blender render cache (training/render):

| task | source | target | conditioning |
|---|---|---|---|
| shadow | noshadow.png | shadow.png | subject mask, grey light map of light 1 |
| remove | shadow.png with the loosely masked object filled with uniform noise | empty.png | the loose mask |
| relight | the subject of shadow.png (light 1) pasted on relit.png (light 2) | relit.png | subject mask, RGB light map of light 2 |

Scenes are held in memory (they are small); a horizontal flip mirrors the light too (azimuth a
becomes 180 - a), so the light convention stays true on flipped pairs."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .light import Light

PAIRS = {
    "shadow": ("noshadow.png", "shadow.png", "light"),
    "remove": ("shadow.png", "empty.png", None),
    "relight": ("shadow.png", "relit.png", "light2"),
}


@dataclass
class Scene:
    source: np.ndarray      # HxWx3 uint8
    target: np.ndarray
    background: np.ndarray  # the scene without the subject
    mask: np.ndarray        # HxW uint8
    light: Light | None


def _png(path: Path, mode: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert(mode), dtype=np.uint8)


def load_scenes(cache: Path, task: str, split: str, limit: int | None = None) -> list[Scene]:
    src_name, tgt_name, light_key = PAIRS[task]
    scenes = []
    for meta_path in sorted(cache.rglob("meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta.get("split") != split:
            continue
        d = meta_path.parent
        light = None
        if light_key:
            m = meta[light_key]
            light = Light(m["azimuth"], m["elevation"], m["softness"], m["intensity"], tuple(m["colour"]))
        scenes.append(Scene(_png(d / src_name, "RGB"), _png(d / tgt_name, "RGB"), _png(d / "empty.png", "RGB"),
                            _png(d / "mask.png", "L"), light))
        if limit and len(scenes) >= limit:
            break
    return scenes


def _tensor(a: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(a.copy()).float()
    return (t.permute(2, 0, 1) / 127.5 - 1) if t.ndim == 3 else (t / 255)[None]


def mirrored(light: Light) -> Light:
    return Light(180.0 - light.azimuth, light.elevation, light.softness, light.intensity, light.colour)


def loosen(mask: torch.Tensor, pixels: int) -> torch.Tensor:
    """A user's loose brush stroke around the object: the mask dilated by `pixels`."""
    return F.max_pool2d((mask > 0.5).float(), 2 * pixels + 1, stride=1, padding=pixels)


@dataclass
class PairSampler:
    scenes: list[Scene]
    task: str

    def batch(self, n: int, gen: torch.Generator) -> dict:
        src, tgt, bg, masks, lights = [], [], [], [], []
        for _ in range(n):
            s = self.scenes[int(torch.randint(len(self.scenes), (1,), generator=gen))]
            a, b, c, m = _tensor(s.source), _tensor(s.target), _tensor(s.background), _tensor(s.mask)
            light = s.light
            if torch.rand(1, generator=gen) < 0.5:
                a, b, c, m = a.flip(-1), b.flip(-1), c.flip(-1), m.flip(-1)
                light = mirrored(light) if light else None
            if self.task == "remove":
                m = loosen(m[None], int(torch.randint(2, 9, (1,), generator=gen)))[0]
                noise = torch.rand(a.shape, generator=gen) * 2 - 1
                a = torch.where(m > 0.5, noise, a)
            if self.task == "relight":  # the composite: only the subject keeps its old light
                a = m * a + (1 - m) * b
            src.append(a), tgt.append(b), bg.append(c), masks.append(m), lights.append(light)
        return {"source": torch.stack(src), "target": torch.stack(tgt), "background": torch.stack(bg),
                "mask": torch.stack(masks), "lights": lights}
