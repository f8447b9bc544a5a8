"""The README's picture of automatic subject selection: held-out photos, each with the mask the app
selects by itself (Engine.segment, as `--mask auto`) tinted red and outlined.

    /usr/bin/python3 training/eval/sheet_segment.py [--out docs/examples/auto-mask.jpg]

Six Kodak photos with a clear main subject and three of eval_segment.py's seeded composites
(held-out Tux Paint cut-outs on held-out photos), 3 x 3 tiles, JPEG. None of them was trained on."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # training/, as in eval_segment.py
from eval import common  # noqa: E402
from eval.eval_segment import PHOTOS, make_composite, overlay  # noqa: E402

KODAK = ("kodim04", "kodim20", "kodim23", "kodim11", "kodim12", "kodim18")


def tile(rgb: np.ndarray, side: int) -> np.ndarray:
    """Centre-cropped to a square and resized to `side`."""
    h, w = rgb.shape[:2]
    s = min(h, w)
    y, x = (h - s) // 2, (w - s) // 2
    return cv2.resize(rgb[y:y + s, x:x + s], (side, side), interpolation=cv2.INTER_AREA)


def main(argv: list[str] | None = None) -> Path:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=common.REPO / "docs" / "examples" / "auto-mask.jpg")
    p.add_argument("--model", default=None, help="segment model id (default: models/defaults.json's)")
    p.add_argument("--composites", type=int, nargs="*", default=[0, 1, 2], help="indices of eval_segment.py's composites (seed 0)")
    p.add_argument("--tile", type=int, default=256, help="tile side in px (default 256)")
    p.add_argument("--cols", type=int, default=3)
    p.add_argument("--quality", type=int, default=85)
    p.add_argument("--work", type=Path, default=common.REPO / ".cache" / "eval" / "segment-readme")
    p.add_argument("--device", choices=["auto", "cpu", "gpu"], default="auto")
    args = p.parse_args(argv)

    inputs = [PHOTOS / "kodak24" / f"{k}.png" for k in KODAK]
    for i in args.composites:
        image, _, _ = make_composite(i, 0)
        path = args.work / f"composite-{i:03d}.png"
        common.write_rgb(path, image)
        inputs.append(path)
    jobs = [{"id": path.stem, "task": "segment", "input": str(path), "output": str(args.work / f"{path.stem}-mask.png"),
             **({"model": args.model} if args.model else {})} for path in inputs]
    results, _ = common.run_engine(jobs, args.work, args.device)

    tiles = [tile(overlay(common.read_rgb(path), common.read_mask(Path(r["output"]))), args.tile) for path, r in zip(inputs, results)]
    rows = -(-len(tiles) // args.cols)
    gap = 4
    sheet = np.ones((rows * (args.tile + gap) - gap, args.cols * (args.tile + gap) - gap, 3), np.float32)
    for i, t in enumerate(tiles):
        y, x = (i // args.cols) * (args.tile + gap), (i % args.cols) * (args.tile + gap)
        sheet[y:y + args.tile, x:x + args.tile] = t
    args.out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.clip(np.round(sheet * 255), 0, 255).astype(np.uint8)).save(args.out, quality=args.quality, optimize=True)
    print(f"{common.rel(args.out)}: {len(tiles)} photos, {args.out.stat().st_size // 1024} KB, model {results[0]['model']}")
    return args.out


if __name__ == "__main__":
    main()
