"""Light maps, rendered exactly like src/shared/light.ts (a golden test holds the two together).

Azimuth: 0 = light from the right of the picture, 90 = from behind the subject (up on the chart),
180 = left, 270 = camera side. Elevation: degrees above the ground, 90 = overhead = chart centre.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Light:
    azimuth: float
    elevation: float
    softness: float          # 0 = point light, 1 = very large light
    intensity: float         # blob amplitude
    colour: tuple[float, float, float] = (1.0, 1.0, 1.0)  # linear RGB; RGB maps only

    def to_json(self) -> dict:
        d = asdict(self)
        d["colour"] = list(self.colour)
        return d


@dataclass(frozen=True)
class LightMapSpec:
    projection: str = "polar"
    spread_min: float = 0.04
    spread_max: float = 0.3

    def to_json(self) -> dict:
        return {"projection": self.projection, "spreadMin": self.spread_min, "spreadMax": self.spread_max}


def chart_position(light: Light) -> tuple[float, float]:
    r = 0.5 * (90 - light.elevation) / 90
    a = light.azimuth * math.pi / 180
    return 0.5 + r * math.cos(a), 0.5 - r * math.sin(a)


def spread(spec: LightMapSpec, softness: float) -> float:
    return spec.spread_min + softness * (spec.spread_max - spec.spread_min)


def render_light_map(spec: LightMapSpec, channels: int, lights: list[Light], width: int, height: int) -> np.ndarray:
    """CHW float32 map: a sum of Gaussian blobs, one per light.

    NOTE: like the TypeScript Float32Array, each light's float64 contribution is added to a float32
    accumulator, so the two renderers round identically.
    """
    if channels not in (1, 3):
        raise ValueError(f"channels {channels} is not one of: 1, 3")
    out = np.zeros((channels, height, width), dtype=np.float32)
    u = (np.arange(width, dtype=np.float64) + 0.5) / width
    v = (np.arange(height, dtype=np.float64) + 0.5) / height
    for light in lights:
        cx, cy = chart_position(light)
        s = spread(spec, light.softness)
        inv = 1 / (2 * s * s)
        dx, dy = u[None, :] - cx, v[:, None] - cy
        g = np.exp(-(dx * dx + dy * dy) * inv)
        amps = [light.intensity] if channels == 1 else [c * light.intensity for c in light.colour]
        for c, amp in enumerate(amps):
            out[c] = (out[c].astype(np.float64) + amp * g).astype(np.float32)
    return out


def light_map_tensor(spec: LightMapSpec, channels: int, lights: list[Light], width: int, height: int) -> torch.Tensor:
    """[1, C, height, width] torch tensor of `render_light_map`."""
    return torch.from_numpy(render_light_map(spec, channels, lights, width, height))[None]
