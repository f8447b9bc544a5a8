"""Packs the training data of the task models into one small folder that can travel to a GPU
machine (the device tool carries at most 64 MiB): renders and photos as lossy WebP (quality 93 and
88), masks losslessly, a bank of object-shaped masks drawn here (their sources, BSDS .mat files and
Tux Paint's stamps, are too big to carry), subject cut-outs for the segmentation composites, and the
frozen VAE's weights.

    /usr/bin/python3 training/pack.py --out .cache/pack [--masks 3000] [--cutouts 400]
    /usr/bin/python3 training/pack.py --out .cache/pack-gpu --scenes 500 --quality 80   # a subset that fits

Only training material goes in, plus the renders of the test split for validation (model
selection); the held-out photos (Kodak, BSDS test) and the test cut-outs never do."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lbm.checkpoint import load_vae  # noqa: E402
from lbm.data import PHOTOS, is_validation_scene, training_photos  # noqa: E402
from lbm.masks import MaskSource, cutout_files  # noqa: E402
from render.common import EXTRA_FRAMES  # noqa: E402  (packed where a scene has them)

ROOT = Path(__file__).resolve().parent.parent
RENDER_FRAMES = ("shadow", "noshadow", "empty", "relit")
MASK_SIDE = 256


def train_split_scenes(cache: Path, limit: int | None = None) -> list[Path]:
    """The train-split scenes of the cache (the test split is the evaluation set: never packed).
    With `limit`, an evenly spread subset of about that many, training and validation scenes
    (is_validation_scene) thinned alike, so a pack that has outgrown the device tool's carry
    still fits and keeps its validation share."""
    groups: dict[bool, list[Path]] = {True: [], False: []}
    for meta_path in sorted((cache / "scenes").glob("*/meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta["split"] == "train":
            groups[is_validation_scene(meta["scene_id"])].append(meta_path.parent)
    total = len(groups[True]) + len(groups[False])
    if limit is None or limit >= total:
        return sorted(groups[True] + groups[False])
    keep = []
    for scenes in groups.values():
        n = round(len(scenes) * limit / total)
        keep += [scenes[i] for i in np.linspace(0, len(scenes) - 1, n).round().astype(int)] if n else []
    return sorted(keep)


def pack_renders(cache: Path, out: Path, limit: int | None = None, quality: int = 93) -> int:
    """The train-split scenes' frames as WebP (all, or about `limit` of them, train_split_scenes);
    a frame already packed from the same PNG (not older than the WebP) is kept, so adding an extra
    frame to the cache re-encodes only that frame. Packed scenes not chosen (any more) are removed."""
    chosen = train_split_scenes(cache, limit)
    if (out / "renders").exists():
        for gone in {p.name for p in (out / "renders").iterdir()} - {d.name for d in chosen}:
            shutil.rmtree(out / "renders" / gone)
    n = 0
    for d in chosen:
        meta = json.loads((d / "meta.json").read_text())
        dst = out / "renders" / d.name
        dst.mkdir(parents=True, exist_ok=True)
        for frame in RENDER_FRAMES + tuple(f for f in EXTRA_FRAMES if (d / f"{f}.png").exists()):
            src, webp = d / f"{frame}.png", dst / f"{frame}.webp"
            if not webp.exists() or webp.stat().st_mtime < src.stat().st_mtime:
                Image.open(src).convert("RGB").save(webp, quality=quality, method=6)
        Image.open(d / "mask.png").save(dst / "mask.png", optimize=True)  # lossless; a third smaller than Blender's
        keep = {k: meta[k] for k in ("scene_id", "split", "light", "light2", "light3") if k in meta}
        (dst / "meta.json").write_text(json.dumps(keep))
        n += 1
    return n


def pack_photos(out: Path, max_side: int) -> int:
    files = training_photos(PHOTOS)
    (out / "photos").mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(files):
        img = Image.open(f).convert("RGB")
        img.thumbnail((max_side, max_side), Image.LANCZOS)
        img.save(out / "photos" / f"{i:04d}.webp", quality=88, method=6)
    return len(files)


def pack_masks(out: Path, count: int, seed: int) -> None:
    """Object-shaped masks (BSDS train segments, train cut-outs, strokes), 3 to 40% cover."""
    rng = np.random.default_rng(seed)
    src = MaskSource(MASK_SIDE, MASK_SIDE)
    bank = np.stack([src.any(rng, "train") > 0.5 for _ in range(count)])
    np.savez_compressed(out / "masks.npz", bits=np.packbits(bank, axis=-1), side=MASK_SIDE)


def pack_cutouts(out: Path, count: int, max_side: int) -> int:
    files = cutout_files("train")
    step = max(1, len(files) // count)
    (out / "cutouts").mkdir(parents=True, exist_ok=True)
    n = 0
    for f in files[::step][:count]:
        img = Image.open(f).convert("RGBA")
        alpha = np.asarray(img)[..., 3]
        if (alpha > 127).mean() < 0.05:  # outlines and sparse stamps make poor subjects
            continue
        img = img.crop(img.getbbox())
        img.thumbnail((max_side, max_side), Image.LANCZOS)
        img.save(out / "cutouts" / f"{n:04d}.webp", quality=90, method=6)  # alpha stays lossless
        n += 1
    return n


def pack_vae(checkpoint: Path, out: Path) -> None:
    enc, dec, state = load_vae(checkpoint)
    torch.save({"model_args": state["model_args"], "weights": {"encoder": enc.state_dict(), "decoder": dec.state_dict()},
                "source": str(checkpoint.resolve().relative_to(ROOT))}, out / "vae.pt")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / ".cache" / "pack")
    ap.add_argument("--renders", type=Path, default=ROOT / ".cache" / "renders")
    ap.add_argument("--vae", type=Path, default=ROOT / ".cache" / "runs" / "lbm-vae-s8-phase2" / "best.pt")
    ap.add_argument("--masks", type=int, default=3000)
    ap.add_argument("--cutouts", type=int, default=400)
    ap.add_argument("--photo-side", type=int, default=384)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scenes", type=int, help="pack about this many render scenes, evenly spread (default: all)")
    ap.add_argument("--quality", type=int, default=93, help="WebP quality of the render frames encoded now (80: about half the size; frames already packed are kept, so give a fresh --out)")
    ap.add_argument("--only", choices=("renders", "photos", "masks", "cutouts", "vae"), action="append")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    parts = {
        "renders": lambda: f"{pack_renders(args.renders, args.out, args.scenes, args.quality)} scenes",
        "photos": lambda: f"{pack_photos(args.out, args.photo_side)} photos",
        "masks": lambda: pack_masks(args.out, args.masks, args.seed) or f"{args.masks} masks",
        "cutouts": lambda: f"{pack_cutouts(args.out, args.cutouts, 192)} cut-outs",
        "vae": lambda: pack_vae(args.vae, args.out) or f"VAE from {args.vae}",
    }
    for name in args.only or parts:
        t = time.time()
        print(f"{name}: {parts[name]()} in {time.time() - t:.0f} s", flush=True)
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"pack: {size / 2**20:.1f} MiB in {args.out}")


if __name__ == "__main__":
    main()
