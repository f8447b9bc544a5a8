"""Issue #10: automatic subject selection (the shipped segment model) on held-out images.

    /usr/bin/python3 training/eval/eval_segment.py [--model lbm-segment] [--limit N] [--composites 100]

Sets (none of them seen in training, see training/lbm/data.py and masks.py):

- `renders`: the Blender renders of the `test` split, `shadow.png` (the object on its ground plane
  with its cast shadow; the main case), truth `mask.png` >= 128;
- `renders, no shadow`: the same scenes' `noshadow.png`, for reference;
- `composites`: --composites (100) seeded composites: a held-out Tux Paint cut-out
  (masks.cutout_files('test')) scaled to 5-50% cover, flipped at random, colour-jittered (+-20%
  per channel) and placed at random on a held-out photo (Kodak24, BSDS500 test) resized to a long
  side of 384, with a soft cast shadow offset down and sideways (as packed.py's _composites, the
  blur scaled to the size); truth = the pasted alpha > 0.5. Inputs, truths and their parameters
  are written to the work folder (see `make_composite`, which sheet_segment.py reuses).

The model runs through the app's engine (scripts/eval-runner.ts, Engine.segment: the code path of
`--mask auto` and "Select subject", at the photo's size). Baseline, here, on the same images:
OpenCV GrabCut from a centred rectangle (--grabcut-margin 10% of each side off), 5 iterations.

Metrics, each the mean over a set's cases:

- IoU of the mask thresholded at 0.5 with the truth (1 when both are empty);
- boundary F-score: the masks' boundaries (pixels of the mask with a 4-neighbour outside it; the
  image frame is no boundary), precision = share of predicted boundary pixels within a tolerance
  of a true one, recall the other way round, F = 2PR / (P + R) (1 when both boundaries are empty,
  0 when one is). Tolerance: --boundary-tol (1%) of the image diagonal, 3.6 px on the 256 px
  renders, 5.4 px on a 384 px square (DAVIS uses 0.8%).

Issue #10's targets: IoU >= 0.90 on the held-out renders; above GrabCut on the composites.

`--split validation` runs the same on what training validates on instead: the train-split scenes
with an id that is a multiple of 10, and composites of the pack's every 20th cut-out on its
every 25th photo (`--pack`, lbm/packed.py `seg_val_cutouts`, `remove_val_photos`). Engine
settings are chosen there; the test split only reports."""
from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # training/, so `eval` and `lbm` import when run as a script
from eval import common  # noqa: E402

PHOTOS = Path("/work/shared/data/photos")
HELD_OUT_PHOTOS = ("kodak24", "bsds500/images/test")
METHODS = ["model", "grabcut"]
METRICS = [("iou", "IoU ↑", 3), ("bf", "boundary F ↑", 3)]
SETS = [("renders", "held-out renders (with cast shadow)"), ("renders_noshadow", "held-out renders (no shadow)"),
        ("composites", "cut-outs on held-out photos")]
TARGET_IOU = 0.90
COMPOSITE_SIDE = 384


# --- metrics ------------------------------------------------------------------------------------

def iou(pred: np.ndarray, true: np.ndarray) -> float:
    """IoU of two boolean masks; 1 when both are empty."""
    union = np.count_nonzero(pred | true)
    return float(np.count_nonzero(pred & true) / union) if union else 1.0


def boundary(mask: np.ndarray) -> np.ndarray:
    """The pixels of a boolean mask with a 4-neighbour outside it (the image frame counts as inside)."""
    m = mask.astype(np.uint8)
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    return mask & ~cv2.erode(m, cross, borderType=cv2.BORDER_REPLICATE).astype(bool)


def boundary_f(pred: np.ndarray, true: np.ndarray, tol_px: float) -> float:
    """Boundary F-score of two boolean masks with a tolerance of `tol_px` pixels."""
    bp, bt = boundary(pred), boundary(true)
    if not bp.any() and not bt.any():
        return 1.0
    if not bp.any() or not bt.any():
        return 0.0
    # distance of every pixel to the nearest boundary pixel of the other mask
    dist_t = cv2.distanceTransform((~bt).astype(np.uint8), cv2.DIST_L2, 5)
    dist_p = cv2.distanceTransform((~bp).astype(np.uint8), cv2.DIST_L2, 5)
    precision = float(np.mean(dist_t[bp] <= tol_px))
    recall = float(np.mean(dist_p[bt] <= tol_px))
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def tolerance(shape: tuple[int, ...], fraction: float) -> float:
    return fraction * math.hypot(shape[0], shape[1])


def mask_metrics(soft: np.ndarray, true: np.ndarray, tol_fraction: float) -> dict:
    """IoU and boundary F of a soft mask (0..1, thresholded at 0.5) against a boolean truth."""
    pred = soft >= 0.5
    return {"iou": iou(pred, true), "bf": boundary_f(pred, true, tolerance(true.shape, tol_fraction)),
            "pred_cover": float(pred.mean()), "true_cover": float(true.mean())}


# --- the baseline -------------------------------------------------------------------------------

def grabcut(rgb: np.ndarray, margin: float = 0.1, iterations: int = 5) -> np.ndarray:
    """OpenCV GrabCut from a centred rectangle `margin` of each side in; the foreground as 0/1 float."""
    h, w = rgb.shape[:2]
    bgr = cv2.cvtColor(np.clip(np.round(rgb * 255), 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
    rect = (int(round(w * margin)), int(round(h * margin)), int(round(w * (1 - 2 * margin))), int(round(h * (1 - 2 * margin))))
    mask = np.zeros((h, w), np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)
    try:
        cv2.grabCut(bgr, mask, rect, bgd, fgd, iterations, cv2.GC_INIT_WITH_RECT)
    except cv2.error:  # e.g. a flat image: no foreground model can be fitted
        return np.zeros((h, w), np.float32)
    return np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)


# --- the composites -----------------------------------------------------------------------------

def held_out_photos() -> list[Path]:
    return [p for d in HELD_OUT_PHOTOS for p in sorted((PHOTOS / d).glob("*")) if p.suffix.lower() in (".png", ".jpg", ".jpeg")]


def held_out_cutouts() -> list[Path]:
    from lbm.masks import cutout_files
    return cutout_files("test")


def make_composite(index: int, seed: int = 0, photos: list[Path] | None = None, cutouts: list[Path] | None = None,
                   side: int = COMPOSITE_SIDE, photo: Path | None = None, cutout: Path | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Composite `index` of the seeded series: (RGB HxWx3 0..1, alpha HxW 0..1, its parameters).
    `photo`/`cutout` pin the background/cut-out instead of drawing them."""
    rng = np.random.default_rng([seed, index])
    photos = photos if photos is not None else held_out_photos()
    cutouts = cutouts if cutouts is not None else held_out_cutouts()
    photo_path = photo or photos[int(rng.integers(len(photos)))]
    cut_path = cutout or cutouts[int(rng.integers(len(cutouts)))]
    bg_img = Image.open(photo_path).convert("RGB")
    s = side / max(bg_img.size)
    W, H = max(16, round(bg_img.width * s)), max(16, round(bg_img.height * s))
    bg = np.asarray(bg_img.resize((W, H), Image.LANCZOS), np.float32) / 255

    cut_img = Image.open(cut_path).convert("RGBA")
    cut_area = float(np.count_nonzero(np.asarray(cut_img)[..., 3] > 127))
    cover = float(rng.uniform(0.05, 0.5))
    k = math.sqrt(cover * W * H / max(1.0, cut_area))
    k = min(k, W / cut_img.width, H / cut_img.height)
    nw, nh = max(8, int(cut_img.width * k)), max(8, int(cut_img.height * k))
    cut = np.asarray(cut_img.resize((nw, nh), Image.BILINEAR), np.float32) / 255
    flip = bool(rng.random() < 0.5)
    if flip:
        cut = cut[:, ::-1]
    x, y = int(rng.integers(W - nw + 1)), int(rng.integers(H - nh + 1))
    gain = 1 + 0.2 * (2 * rng.random(3) - 1)
    alpha = np.zeros((H, W), np.float32)
    alpha[y:y + nh, x:x + nw] = cut[..., 3]
    rgb = np.zeros((H, W, 3), np.float32)
    rgb[y:y + nh, x:x + nw] = np.clip(cut[..., :3] * gain, 0, 1)

    # a soft shadow on the ground: the alpha offset down and sideways, box-blurred, darkening 20-60%
    dy, dx = int(rng.integers(nh // 3 + 1)), int(rng.integers(nw // 2 + 1)) - nw // 4
    r = int(rng.integers(6)) * 2 + 1
    r = 2 * round(r * side / 224 / 2) + 1  # packed.py blurs at 224 px
    shade = np.zeros_like(alpha)
    ys, yd = (slice(0, H - dy), slice(dy, H))
    xs, xd = (slice(0, W - dx), slice(dx, W)) if dx >= 0 else (slice(-dx, W), slice(0, W + dx))
    shade[yd, xd] = alpha[ys, xs]
    shade = cv2.blur(shade, (r, r), borderType=cv2.BORDER_CONSTANT)
    darken = float(rng.uniform(0.2, 0.6))
    bg = bg * (1 - darken * shade[..., None])
    image = alpha[..., None] * rgb + (1 - alpha[..., None]) * bg
    params = {"photo": common.rel(photo_path) if str(photo_path).startswith(str(common.REPO)) else str(photo_path),
              "cutout": str(cut_path), "size": [W, H], "cover": cover, "scale": k, "flip": flip, "x": x, "y": y,
              "gain": [float(g) for g in gain], "shadow": {"dx": dx, "dy": dy, "blur": r, "darken": darken}}
    return image, alpha, params


# --- images -------------------------------------------------------------------------------------

def overlay(rgb: np.ndarray, soft: np.ndarray, colour=(1.0, 0.1, 0.1), strength: float = 0.55) -> np.ndarray:
    """The photo with the mask (>= 0.5) tinted and outlined."""
    m = (soft >= 0.5).astype(np.float32)
    out = rgb * (1 - strength * m[..., None]) + strength * m[..., None] * np.array(colour, np.float32)
    edge = boundary(m.astype(bool))
    edge = cv2.dilate(edge.astype(np.uint8), np.ones((2, 2), np.uint8)).astype(bool)
    out[edge] = colour
    return out


def sheet(path: Path, rows: list[list[np.ndarray]], height: int = 160) -> None:
    """One case a row, its images side by side at `height` px (aspect kept), white gaps."""
    if not rows:
        return
    def fit(img: np.ndarray) -> np.ndarray:
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        w = max(1, round(img.shape[1] * height / img.shape[0]))
        return cv2.resize(img.astype(np.float32), (w, height), interpolation=cv2.INTER_AREA)
    rows = [[fit(i) for i in r] for r in rows]
    cell = max(i.shape[1] for r in rows for i in r)
    out = np.ones((len(rows) * (height + 4), max(len(r) for r in rows) * (cell + 4), 3), np.float32)
    for a, r in enumerate(rows):
        for b, img in enumerate(r):
            out[a * (height + 4):a * (height + 4) + height, b * (cell + 4):b * (cell + 4) + img.shape[1]] = img
    common.write_rgb(path, out)


# --- the run ------------------------------------------------------------------------------------

def validation_cutouts(pack: Path) -> list[Path]:
    """The segmenter's validation cut-outs: every 20th of the pack's (lbm/packed.py `seg_val_cutouts`)."""
    cutouts = sorted((pack / "cutouts").glob("*.webp"))
    if len(cutouts) < 20:
        raise SystemExit(f"--split validation needs the pack's cut-outs ({pack / 'cutouts'}): training/pack.py --only cutouts")
    return cutouts[::20]


def cases(args) -> dict[str, list[dict]]:
    """Per set: [{id, input, truth (bool HxW)}]; the composites are written to the work folder."""
    scenes = common.held_out_scenes(args.renders, args.limit, ("shadow.png", "noshadow.png", "mask.png", "meta.json"), args.split)
    out = {"renders": [], "renders_noshadow": [], "composites": []}
    for s in scenes:
        truth = common.read_mask(s.path("mask.png")) >= 0.5
        out["renders"].append({"id": s.id, "input": s.path("shadow.png"), "truth": truth})
        out["renders_noshadow"].append({"id": s.id, "input": s.path("noshadow.png"), "truth": truth})
    n = args.composites if args.limit is None else min(args.composites, args.limit)
    if args.split == "validation":
        photos, cutouts = common.validation_photos(args.pack), validation_cutouts(args.pack)
    else:
        photos, cutouts = held_out_photos(), held_out_cutouts()
    for i in range(n):
        image, alpha, params = make_composite(i, args.seed, photos, cutouts)
        d = args.work / "composites" / f"{i:03d}"
        common.write_rgb(d / "image.png", image)
        Image.fromarray(((alpha > 0.5) * 255).astype(np.uint8)).save(d / "truth.png")
        (d / "params.json").write_text(json.dumps(params, indent=1) + "\n")
        out["composites"].append({"id": f"c{i:03d}", "input": d / "image.png", "truth": alpha > 0.5, "params": params})
    return out


def main(argv: list[str] | None = None) -> dict:
    p = common.arguments("segment", "lbm-segment", __doc__.split("\n\n")[0])
    p.add_argument("--composites", type=int, default=100, help="how many photo composites (default 100)")
    p.add_argument("--boundary-tol", type=float, default=0.01, help="boundary F tolerance, fraction of the image diagonal (default 0.01)")
    p.add_argument("--grabcut-margin", type=float, default=0.1, help="GrabCut's rectangle: this fraction of each side off (default 0.1)")
    p.add_argument("--grabcut-iters", type=int, default=5)
    p.add_argument("--sheet-rows", type=int, default=12, help="cases per set in the sheets (default 12)")
    p.add_argument("--split", default="test", choices=("test", "validation"),
                   help="test: the held-out sets (the card's numbers); validation: the train-split scenes that training "
                        "keeps out and composites of the pack's validation cut-outs on its validation photos, to choose by")
    p.add_argument("--pack", type=Path, default=common.REPO / ".cache" / "pack", help="the training pack (--split validation)")
    args = p.parse_args(argv)
    common.resolve_paths(args, "segment")
    t0 = time.perf_counter()
    sets = cases(args)
    if not sets["renders"]:
        print(f"note: no finished test scenes in {args.renders}; composites only", file=sys.stderr)
    if not any(sets.values()):
        raise SystemExit("nothing to evaluate")

    jobs, where = [], []
    for name, items in sets.items():
        for c in items:
            jobs.append({"id": f"{name}/{c['id']}", "task": "segment", "model": args.model, "input": str(c["input"]),
                         "output": str(args.work / name / c["id"] / "model.png")})
            where.append(c)
    results, engine_s = common.run_engine(jobs, args.work, args.device)
    for c, r in zip(where, results):
        c["result"] = r

    t_gc = 0.0
    summaries, per_case, sheets = {}, {}, {}
    for name, items in sets.items():
        rows = []
        for j, c in enumerate(items):
            rgb = common.read_rgb(Path(c["input"]))
            soft = common.read_mask(Path(c["result"]["output"]))
            t = time.perf_counter()
            gc = grabcut(rgb, args.grabcut_margin, args.grabcut_iters)
            t_gc += time.perf_counter() - t
            cv2.imwrite(str(args.work / name / c["id"] / "grabcut.png"), (gc * 255).astype(np.uint8))
            rows.append({"case": c["id"], "input": common.rel(Path(c["input"])), "engine_ms": c["result"]["totalMs"],
                         "metrics": {"model": mask_metrics(soft, c["truth"], args.boundary_tol),
                                     "grabcut": mask_metrics(gc, c["truth"], args.boundary_tol)},
                         **({"params": c["params"]} if "params" in c else {})})
            if j < args.sheet_rows:
                sheets.setdefault(name, []).append([rgb, overlay(rgb, soft), overlay(rgb, gc, (0.1, 0.4, 1.0)), c["truth"].astype(np.float32)])
        if rows:
            summaries[name] = common.summarise(rows, METHODS, [k for k, _, _ in METRICS], {})["all"]
            per_case[name] = rows
    sheet_paths = {}
    for name, rows in sheets.items():
        sheet_paths[name] = args.out.parent / f"segment-sheet-{name}.png"
        sheet(sheet_paths[name], rows)
    total_s = time.perf_counter() - t0

    labels = {"model": f"`{args.model}` (engine)", "grabcut": f"GrabCut, centred rect, {args.grabcut_iters} iters (baseline)"}
    dev = results[0]["device"]
    ms = [r["totalMs"] for r in results]
    table = ["| set | n | method | " + " | ".join(h for _, h, _ in METRICS) + " |", "|---|---|---|" + "---|" * len(METRICS)]
    for name, title in SETS:
        if args.split == "validation":
            title = title.replace("held-out", "validation")
        s = summaries.get(name)
        for i, m in enumerate(METHODS if s else []):
            head = f"| {title} | {s['n']} |" if i == 0 else "| | |"
            table.append(f"{head} {labels[m]} | " + " | ".join(common.fmt(s[m][k], d) for k, _, d in METRICS) + " |")
    lines = [f"## Subject selection (issue #10): {'held-out' if args.split == 'test' else 'validation'} sets",
             f"Model `{args.model}` through the engine (Engine.segment) on {dev['kind']} ({dev['provider']}), "
             f"{len(results)} images, median {np.median(ms):.0f} ms each, {engine_s:.1f} s in the engine process; "
             f"GrabCut {t_gc:.1f} s; {total_s:.1f} s in all. Mask thresholded at 0.5; boundary F tolerance "
             f"{args.boundary_tol:.1%} of the image diagonal; GrabCut rectangle {args.grabcut_margin:.0%} in from each side.",
             "\n".join(table)]
    margins = {}
    if "renders" in summaries:
        margins["renders_iou_minus_target"] = summaries["renders"]["model"]["iou"] - TARGET_IOU
    if "composites" in summaries:
        margins["composites_iou_minus_grabcut"] = summaries["composites"]["model"]["iou"] - summaries["composites"]["grabcut"]["iou"]
        margins["composites_bf_minus_grabcut"] = summaries["composites"]["model"]["bf"] - summaries["composites"]["grabcut"]["bf"]
    targets = []
    if "renders_iou_minus_target" in margins:
        m = margins["renders_iou_minus_target"]
        targets.append(f"- renders: IoU {summaries['renders']['model']['iou']:.3f} vs the target {TARGET_IOU:.2f}: margin {m:+.3f} "
                       f"({'met' if m >= 0 else 'NOT met'})")
    if "composites_iou_minus_grabcut" in margins:
        m = margins["composites_iou_minus_grabcut"]
        targets.append(f"- composites: IoU {summaries['composites']['model']['iou']:.3f} vs GrabCut "
                       f"{summaries['composites']['grabcut']['iou']:.3f}: margin {m:+.3f} ({'met' if m > 0 else 'NOT met'}); "
                       f"boundary F margin {margins['composites_bf_minus_grabcut']:+.3f}")
    lines.append("Issue #10's targets:\n" + "\n".join(targets))
    if sheet_paths:
        lines.append("Sheets (photo | model mask, red | GrabCut, blue | truth; first "
                     f"{args.sheet_rows} cases of each set): " + ", ".join(f"`{common.rel(p)}`" for p in sheet_paths.values()))
    md = "\n\n".join(lines)
    data = {"task": "segment", "model": args.model, "split": args.split, "renders": str(args.renders), "seed": args.seed, "device": dev,
            "boundary_tol": args.boundary_tol, "grabcut": {"margin": args.grabcut_margin, "iterations": args.grabcut_iters},
            "engine_seconds": engine_s, "grabcut_seconds": t_gc, "total_seconds": total_s, "target_iou": TARGET_IOU,
            "margins": margins, "summary": summaries, "per_case": per_case,
            "sheets": {k: common.rel(v) for k, v in sheet_paths.items()}}
    common.write_report(md, data, args.out, args.json, args.quiet)
    return data


if __name__ == "__main__":
    main()
