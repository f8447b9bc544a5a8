#!/usr/bin/env python3
"""Check the light convention on real renders (needs Blender; ~30 s):

    python3 training/render/check_convention.py [--out /tmp/lbm-convention] [--assets .cache/render-assets]

Renders one model on a grey ground under hard lights at azimuth 0, 90, 180 and 270 (elevation 25)
and measures where the shadow falls in the picture: the darkening (empty.png minus shadow.png) outside
the model's mask, relative to the model's foot point. Expected, in picture terms:
azimuth 0 (light from the right) -> shadow LEFT; 90 (from behind) -> DOWN, toward the camera;
180 -> RIGHT; 270 (camera side) -> UP, behind the subject.
"""
from __future__ import annotations

import argparse
import json
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def read_png(path) -> np.ndarray:
    """Minimal 8-bit non-interlaced PNG reader (grey, RGB, RGBA) -> float32 HxWxC in 0..1."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    assert depth == 8 and interlace == 0, "only 8-bit non-interlaced PNG"
    c = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * c)
    out = np.zeros((h, w * c), np.int32)
    prev = np.zeros(w * c, np.int32)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 255
        else:
            cur = np.zeros(w * c, np.int32)
            for x in range(w * c):
                a = cur[x - c] if x >= c else 0
                b = prev[x]
                if f == 1:
                    p = a
                elif f == 3:
                    p = (a + b) // 2
                else:
                    cc = prev[x - c] if x >= c else 0
                    pa, pb, pc = abs(b - cc), abs(a - cc), abs(a + b - 2 * cc)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else cc)
                cur[x] = (line[x] + p) & 255
        out[y] = cur
        prev = cur
    return (out.reshape(h, w, c) / 255.0).astype(np.float32)


def shadow_offset(lit: np.ndarray, empty: np.ndarray, mask: np.ndarray):
    """Centroid of the darkening outside the mask minus the model's foot point (mask centroid in x,
    the mask's lowest rows in y: where it stands on the ground), in pixels (x right, y down)."""
    m = mask[..., 0]
    dark = np.clip(empty[..., :3].mean(-1) - lit[..., :3].mean(-1), 0, None) * (m < 0.02)
    dark = dark * (dark > 0.03)
    ys, xs = np.mgrid[: m.shape[0], : m.shape[1]]
    cx = (xs * m).sum() / m.sum()
    cy = float(np.percentile(ys[m > 0.5], 97))
    sx, sy = (xs * dark).sum() / dark.sum(), (ys * dark).sum() / dark.sum()
    return float(sx - cx), float(sy - cy)


EXPECT = {0: "left", 90: "down", 180: "right", 270: "up"}


def direction(dx, dy):
    if abs(dx) > abs(dy):
        return "left" if dx < 0 else "right"
    return "up" if dy < 0 else "down"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("/tmp/lbm-convention"))
    ap.add_argument("--assets", type=Path, default=REPO / ".cache" / "render-assets")
    ap.add_argument("--scene-id", type=int, default=3)
    ap.add_argument("--size", type=int, default=128)
    args = ap.parse_args()
    catalog = args.assets / "catalog.json"
    if not catalog.exists():  # builds the asset cache
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(args.out / "_"), "--count", "0",
                        "--assets", str(args.assets)], check=True)
    shutil.rmtree(args.out, ignore_errors=True)
    results, ok = {}, True
    for a1 in (0, 90, 180, 270):
        hard = lambda az: {"azimuth": az, "elevation": 25, "softness": 0, "intensity": 1,  # noqa: E731
                           "colour": [1, 1, 1], "kelvin": None}
        override = {"ground": {"kind": "plain", "colour": [0.6, 0.6, 0.6], "roughness": 0.8},
                    "world": {"kind": "plain", "colour": [1, 1, 1], "strength": 0.05},
                    "camera": {"pitch_deg": 30, "framing": 1.8}, "light": hard(a1), "light2": hard(a1)}
        out = args.out / f"az{a1}"
        subprocess.run(["blender", "-b", "-noaudio", "--factory-startup", "-P", str(HERE / "scene.py"), "--",
                        "--catalog", str(catalog), "--out", str(out), "--ids", str(args.scene_id), "--size",
                        str(args.size), "--samples", "16", "--override", json.dumps(override)],
                       check=True, stdout=subprocess.DEVNULL)
        d = out / f"{args.scene_id:06d}"
        empty, mask = read_png(d / "empty.png"), read_png(d / "mask.png")
        for az, img in ((a1, "shadow.png"),):
            dx, dy = shadow_offset(read_png(d / img), empty, mask)
            got = direction(dx, dy)
            results[az] = got
            ok &= got == EXPECT[az]
            print(f"azimuth {az:3d}: shadow offset dx={dx:+.1f}px dy={dy:+.1f}px -> {got} "
                  f"(expected {EXPECT[az]}) {'OK' if got == EXPECT[az] else 'WRONG'}  [{d / img}]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
