"""Issue #4: how well a shadow model casts a subject's shadow, on the held-out renders.

    /usr/bin/python3 training/eval/eval_shadow.py [--model lbm-shadow-s8] [--limit N] [--renders .cache/renders]

Per test scene: source = noshadow.png, subject mask = mask.png, light = meta.json `light`, target =
shadow.png; and where the scene has `noshadow2.png` (render/generate.py --extra noshadow2), a second
case under `light2`: source = noshadow2.png, target = relit.png (--first-pair-only skips it). The
model runs through the app's engine (scripts/eval-runner.ts, the code path of
`lbm shadow`, at the renders' 256x256), and a geometric baseline runs here. Metrics, as in Tasar et al.:

- shadow region: pixels outside the subject (mask > 0.05, grown by 1 px) whose Rec. 709 luma
  (sRGB-encoded, 0..1) is below the source's by more than --threshold (0.05);
- IoU of the predicted and the true shadow region (1 when both are empty);
- RMSE of the RGB image against the target, on 0..255, over the whole image (the subject too:
  neither the model nor the baseline changes it);
- ZNCC of the darkening maps (source luma - output luma vs source luma - target luma) over the
  pixels outside the subject (0 when either map is constant, e.g. no shadow at all).

`--upscale SIDE` asks how the model does on a large photo, which the 256 px renders are not: the
engine gets the source and the mask upscaled to SIDE px (Lanczos, bilinear) and runs at its own
working size for that photo; its change (output minus the upscaled source) comes back to the
render's size by area averaging, onto the render's source, and is scored as above. The baselines
are drawn at the render's size either way.

`--subject-crop SIDE` first cuts every case (source, target, mask) to a SIDE px square centred on
the subject, which then fills more of the frame, as in a product photo; `--subject-crop WxH` to a
window of that size, e.g. 256x170 for a photo's 3:2 shape. All else runs on the crops as on the
renders.

Methods: the model; `geometric`, what a photo editor does by hand: the subject mask projected
onto the ground along the light (see `geometric_shadow`), blurred by softness, darkening by a
constant 50%; `swept`, the same with the cut-out given a depth of half its width (the shadow
model's hint since lbm-shadow-s8 3.0.0, a stronger baseline); `none`, the source as is (no
shadow), the floor every method must beat."""
from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # training/, so `eval` is importable when run as a script
from eval import common  # noqa: E402

THRESHOLD = 0.05
METHODS = ["model", "geometric", "swept", "none"]
SWEEP = 0.5  # lbm/projection.py's sweep of the shadow model's hint since 3.0.0
METRICS = [("iou", "IoU ↑", 3), ("rmse", "RMSE (0..255) ↓", 2), ("zncc", "ZNCC ↑", 3)]


def outside_subject(mask: np.ndarray) -> np.ndarray:
    """Pixels clear of the subject: not covered (mask > 0.05) and not next to a covered pixel."""
    covered = (mask > 0.05).astype(np.uint8)
    return ~cv2.dilate(covered, np.ones((3, 3), np.uint8)).astype(bool)


def shadow_metrics(source: np.ndarray, output: np.ndarray, target: np.ndarray, mask: np.ndarray,
                   threshold: float = THRESHOLD) -> dict:
    """IoU, RMSE and ZNCC of one output (all HxWx3 in 0..1, mask HxW in 0..1)."""
    outside = outside_subject(mask)
    y_src = common.luminance(source)
    d_pred = (y_src - common.luminance(output))[outside].astype(np.float64)
    d_true = (y_src - common.luminance(target))[outside].astype(np.float64)
    pred, true = d_pred > threshold, d_true > threshold
    union = np.count_nonzero(pred | true)
    iou = np.count_nonzero(pred & true) / union if union else 1.0
    rmse = float(np.sqrt(np.mean(((output.astype(np.float64) - target) * 255) ** 2)))
    a, b = d_pred - d_pred.mean(), d_true - d_true.mean()
    den = math.sqrt(float(np.sum(a * a)) * float(np.sum(b * b)))
    zncc = float(np.sum(a * b) / den) if den > 1e-12 else 0.0
    return {"iou": float(iou), "rmse": rmse, "zncc": zncc, "pred_area": float(pred.mean()), "true_area": float(true.mean())}


def geometric_shadow(source: np.ndarray, mask: np.ndarray, light: dict, opacity: float = 0.5,
                     depth_scale: float = 0.5, max_length: float = 4.0, sweep: float = 0.0) -> np.ndarray:
    """The subject's silhouette as a flat cut-out standing on its lowest row, projected onto the
    ground along the light: a pixel h rows above the foot lands h * cot(elevation) away from its
    foot point, away from the light (azimuth 0 = from the right, so the shadow falls left; 90 =
    from behind, the shadow falls toward the camera, down the picture). The photo's camera is
    unknown, so distances in depth are foreshortened by a fixed `depth_scale` (a camera about 30
    degrees down) and the squash is at least 0.15 (the object's footprint under an overhead
    light); lengths are capped at `max_length` object heights. The silhouette is blurred by
    softness (sigma 0.5 px + 10% of the object's height at softness 1) and darkens the picture by
    `opacity` outside the subject; the subject's pixels stay the source's. With `sweep`, the
    cut-out is also swept back from its foot by `sweep` times its width, foreshortened by
    `depth_scale` like the ground, and casts the union of its shadows along the way (as the shadow
    model's hint does, lbm/projection.py): a footprint under a high light, not a line."""
    binary = mask > 0.5
    if not binary.any():
        return source.copy()
    h, w = mask.shape
    ys, xs = np.nonzero(binary)
    foot, height = float(ys.max()), float(ys.max() - ys.min() + 1)
    el, az = math.radians(light["elevation"]), math.radians(light["azimuth"])
    cot = min(math.cos(el) / max(math.sin(el), 1e-6), max_length)
    dx, dy = -math.cos(az), math.sin(az)  # image x right, y down; away from the light
    sy = cot * dy * depth_scale
    if abs(sy) < 0.15:
        sy = math.copysign(0.15, dy) if dy != 0 else -0.15
    # x' = x + (foot - y) cot dx,  y' = foot + (foot - y) sy
    m = np.array([[1.0, -cot * dx, cot * dx * foot], [0.0, -sy, foot * (1 + sy)]], dtype=np.float64)
    silhouette = cv2.warpAffine(mask.astype(np.float32), m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    flat, span = silhouette, sweep * float(xs.max() - xs.min() + 1) * depth_scale
    for step in range(1, 9 if span > 0 else 1):  # the flat shadow moved up, in 8 steps to `span` rows
        up = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, -span * step / 8]])
        silhouette = np.maximum(silhouette, cv2.warpAffine(flat, up, (w, h), flags=cv2.INTER_LINEAR, borderValue=0))
    sigma = 0.5 + 0.1 * height * float(light["softness"])
    silhouette = cv2.GaussianBlur(silhouette, (0, 0), sigma)
    darken = 1 - opacity * np.clip(silhouette, 0, 1)
    a = mask[..., None]
    return a * source + (1 - a) * source * darken[..., None]


def shadow_cases(scenes: list, second: bool = True) -> list[dict]:
    """Each scene's cast-shadow case under light 1 (noshadow -> shadow), then, where the scene has
    noshadow2.png and `second` is set, its case under light 2 (noshadow2 -> relit); ids
    `<scene>` and `<scene>-2`."""
    cases = []
    for s in scenes:
        cases.append({"id": s.id, "scene": s, "pair": 1, "source": s.path("noshadow.png"), "target": s.path("shadow.png"),
                      "mask": s.path("mask.png"), "light": s.meta["light"]})
        if second and s.path("noshadow2.png").is_file():
            cases.append({"id": f"{s.id}-2", "scene": s, "pair": 2, "source": s.path("noshadow2.png"),
                          "target": s.path("relit.png"), "mask": s.path("mask.png"), "light": s.meta["light2"]})
    return cases


def crop_size(text: str) -> tuple[int, int]:
    """`--subject-crop` SIDE (a square) or WxH."""
    m = re.fullmatch(r"(\d+)(?:x(\d+))?", text)
    size = (int(m[1]), int(m[2] or m[1])) if m else (0, 0)
    if min(size) < 1:
        raise argparse.ArgumentTypeError(f"takes SIDE or WxH in positive pixels, not {text!r}")
    return size


def subject_crop(case: dict, size: tuple[int, int], folder: Path) -> dict:
    """`--subject-crop`: the case's source, target and mask cut to a `size` (width, height) window
    centred on the subject's bounding box (moved inside the frame where it would leave it),
    written to `folder`; the case with those paths. A square makes the subject fill more of the
    frame, as in a product photo, where the renders frame it loosely (its box is about 44% of their
    side); a 3:2 window gives the renders a photo's shape."""
    mask = common.read_mask(case["mask"])
    h, w = mask.shape
    cw, ch = size
    if cw > w or ch > h:
        raise SystemExit(f"--subject-crop {cw}x{ch} is larger than the renders ({w}x{h})")
    ys, xs = np.nonzero(mask > 0.5)
    if not len(ys):
        raise SystemExit(f"scene {case['id']} has an empty mask")
    top = int(np.clip(round((ys.min() + ys.max() - ch) / 2), 0, h - ch))
    left = int(np.clip(round((xs.min() + xs.max() - cw) / 2), 0, w - cw))
    folder.mkdir(parents=True, exist_ok=True)
    out = dict(case)
    for key in ("source", "target", "mask"):
        img = cv2.imread(str(case[key]), cv2.IMREAD_UNCHANGED)
        out[key] = folder / f"crop-{key}.png"
        cv2.imwrite(str(out[key]), img[top:top + ch, left:left + cw])
    return out


def main(argv: list[str] | None = None) -> dict:
    p = common.arguments("shadow", "lbm-shadow-s8", __doc__.split("\n\n")[0], upscale=True)
    p.add_argument("--threshold", type=float, default=THRESHOLD, help="luma drop that makes a shadow pixel (0..1)")
    p.add_argument("--strength", type=float, default=None, help="the engine's shadow strength (default: the app's, 1)")
    p.add_argument("--first-pair-only", action="store_true", help="light 1 only, even where a scene has its second pair")
    p.add_argument("--subject-crop", type=crop_size, default=None, metavar="SIDE|WxH",
                   help="cut each case to a SIDE px square (or a W x H window) around its subject first (source, target "
                        "and mask): the subject fills more of the frame, or the frame gets a photo's shape; with "
                        "--upscale, the crop is what gets upscaled")
    p.add_argument("--split", default="test", choices=("test", "validation"),
                   help="test: the held-out scenes (the card's numbers); validation: the train-split scenes that "
                        "training validates on, for choosing between models without looking at the test set")
    args = p.parse_args(argv)
    common.resolve_paths(args, "shadow")
    t0 = time.perf_counter()
    scenes = common.held_out_scenes(args.renders, args.limit, ("noshadow.png", "shadow.png", "mask.png", "meta.json"), args.split)
    if not scenes:
        raise SystemExit(f"no finished {args.split} scenes in {args.renders}")

    cases = shadow_cases(scenes, not args.first_pair_only)
    if args.subject_crop:
        cases = [subject_crop(c, args.subject_crop, args.work / c["id"]) for c in cases]
    jobs = []
    for c in cases:
        source, mask = str(c["source"]), str(c["mask"])
        if args.upscale:
            source, mask = common.upscaled(c["source"], c["mask"], args.work / c["id"], args.upscale)
        job = {"id": c["id"], "task": "shadow", "model": args.model, "input": source, "mask": mask,
               "light": common.light_of(c["light"]), "seed": args.seed, "output": str(args.work / c["id"] / "model.png")}
        if args.steps:
            job["steps"] = args.steps
        if args.strength is not None:
            job["strength"] = args.strength
        jobs.append(job)
    results, engine_s = common.run_engine(jobs, args.work, args.device)

    rows, sheet = [], []
    for c, r in zip(cases, results):
        source, target = common.read_rgb(c["source"]), common.read_rgb(c["target"])
        mask = common.read_mask(c["mask"])
        light = c["light"]
        baseline, swept = geometric_shadow(source, mask, light), geometric_shadow(source, mask, light, sweep=SWEEP)
        common.write_rgb(args.work / c["id"] / "geometric.png", baseline)
        model = common.read_rgb(Path(r["output"]))
        if args.upscale:
            model = common.downscaled_change(model, args.work / c["id"], source)
        outputs = {"model": model, "geometric": baseline, "swept": swept, "none": source}
        rows.append({
            "scene": c["id"],
            "light": common.light_of(light),
            "bins": {"softness": common.bin_of(light["softness"], common.SOFTNESS_BINS),
                     "elevation": common.bin_of(light["elevation"], common.ELEVATION_BINS),
                     "camera": common.bin_of(c["scene"].meta["camera"]["pitch_deg"], common.CAMERA_BINS)},
            "metrics": {m: shadow_metrics(source, o, target, mask, args.threshold) for m, o in outputs.items()},
            "engine_ms": r["totalMs"],
        })
        sheet.append([source, target, outputs["model"], baseline])
    common.contact_sheet(args.work / "sheet.png", sheet)

    metrics = [k for k, _, _ in METRICS]
    groups = {"softness": [b[0] for b in common.SOFTNESS_BINS], "elevation": [b[0] for b in common.ELEVATION_BINS],
              "camera": [b[0] for b in common.CAMERA_BINS]}
    summary = common.summarise(rows, METHODS, metrics, groups)
    total_s = time.perf_counter() - t0
    labels = {"model": f"`{args.model}` (engine)", "geometric": "geometric projection (baseline)",
              "swept": f"geometric, cut-out swept back {SWEEP:g} widths (baseline)", "none": "no shadow (source as is)"}
    md = "\n\n".join([
        common.header(f"Shadow (issue #4): {'held-out' if args.split == 'test' else 'validation'} renders"
                      + (f", cut to {args.subject_crop[0]}x{args.subject_crop[1]} px around the subject" if args.subject_crop else "")
                      + (f", upscaled to {args.upscale} px for the engine, its change scored at the renders' size" if args.upscale else ""),
                      args, len(scenes), engine_s, total_s, results)
        + f" {len(cases)} cases: {sum(c['pair'] == 2 for c in cases)} scenes give a second one under their light 2.",
        f"Shadow region: luma drop > {args.threshold} outside the subject. RMSE on 0..255 over the whole image; "
        "ZNCC of the darkening map outside the subject.",
        common.table(summary["all"], METHODS, labels, METRICS),
        f"Images (source, target, model, geometric; first 16 cases): `{common.rel(args.work / 'sheet.png')}`.",
        "By softness of the light:",
        common.binned_table(summary, "softness", METHODS, labels, METRICS),
        "By elevation of the light:",
        common.binned_table(summary, "elevation", METHODS, labels, METRICS),
        "By the camera's pitch (the projection assumes about 30° down):",
        common.binned_table(summary, "camera", METHODS, labels, METRICS),
    ])
    data = common.run_data("shadow", args, scenes, results, engine_s, total_s, summary, rows, threshold=args.threshold,
                           cases=len(cases), split=args.split, upscale=args.upscale, subject_crop=args.subject_crop)
    common.write_report(md, data, args.out, args.json, args.quiet)
    return data


if __name__ == "__main__":
    main()
