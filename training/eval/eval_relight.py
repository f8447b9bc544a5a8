"""Issue #6: how well a relighting model makes a pasted subject match its new background, on the
held-out renders.

    /usr/bin/python3 training/eval/eval_relight.py [--model lbm-relight-s8] [--limit N] [--renders .cache/renders]

Per test scene: the composite is the subject of shadow.png (under light 1) pasted through the
anti-aliased mask.png onto relit.png (the scene under light 2), the target is relit.png (the
subject under light 2 as well). The model runs through the app's engine (scripts/eval-runner.ts,
the code path of `lbm relight`, at the renders' 256x256) on the composite, with no separate
background (a model with a background-image conditioning gets the composite itself, as the app
does), in two modes: `light` = the light map of meta.json `light2` (direction, softness, RGB colour,
intensity) and `no light` = no light placed (the background decides). Metrics on the subject:

- fMSE: mean squared error over the subject's pixels, RGB on 0..255, each pixel weighted by its
  mask value (the harmonisation literature's foreground MSE);
- fPSNR: 10 log10(255^2 / fMSE) per scene (capped at 100 dB for an exact match), then averaged.

Baselines: `composite`, the composite as is; `lab transfer`, classical colour transfer (Reinhard):
the subject's per-channel Lab mean and standard deviation (OpenCV Lab of float RGB) matched to the
background's (the pixels with mask < 0.5), pasted back through the mask.

`--split validation` runs the same on the train-split scenes that training validates on (ids a
multiple of 10), where settings are chosen; the test split only reports."""
from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # training/, so `eval` is importable when run as a script
from eval import common  # noqa: E402

METHODS = ["model_light", "model_nolight", "composite", "lab"]
METRICS = [("fmse", "fMSE (0..255) ↓", 1), ("fpsnr", "fPSNR (dB) ↑", 2)]
PSNR_CAP = 100.0
AZIMUTH_BINS = [("< 60°", -math.inf, 60), ("60-120°", 60, 120), ("> 120°", 120, math.inf)]


def composite(subject: np.ndarray, background: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The subject pasted onto the background through the soft mask (as the engine's compositeOnto)."""
    a = mask[..., None]
    return a * subject + (1 - a) * background


def relight_metrics(output: np.ndarray, target: np.ndarray, mask: np.ndarray) -> dict:
    """fMSE (0..255, mask-weighted over the subject) and fPSNR of one output (HxWx3 in 0..1)."""
    w = mask.astype(np.float64)
    if w.sum() <= 0:
        return {"fmse": float("nan"), "fpsnr": float("nan")}
    err = np.mean(((output.astype(np.float64) - target) * 255) ** 2, axis=2)
    fmse = float(np.sum(w * err) / np.sum(w))
    fpsnr = min(PSNR_CAP, 10 * math.log10(255**2 / fmse)) if fmse > 0 else PSNR_CAP
    return {"fmse": fmse, "fpsnr": float(fpsnr)}


def lab_transfer(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Reinhard colour transfer: the subject's (mask > 0.5) Lab mean and std per channel matched
    to the background's (mask < 0.5); the result is pasted back through the soft mask."""
    fg, bg = mask > 0.5, mask < 0.5
    if not fg.any() or not bg.any():
        return image.copy()
    lab = cv2.cvtColor(image.astype(np.float32), cv2.COLOR_RGB2Lab)
    mu_f, sd_f = lab[fg].mean(0), lab[fg].std(0)
    mu_b, sd_b = lab[bg].mean(0), lab[bg].std(0)
    moved = (lab - mu_f) / np.maximum(sd_f, 1e-6) * sd_b + mu_b
    rgb = np.clip(cv2.cvtColor(moved.astype(np.float32), cv2.COLOR_Lab2RGB), 0, 1)
    return composite(rgb, image, mask)


def main(argv: list[str] | None = None) -> dict:
    p = common.arguments("relight", "lbm-relight-s8", __doc__.split("\n\n")[0], upscale=True)
    p.add_argument("--split", default="test", choices=("test", "validation"),
                   help="test: the held-out scenes (the card's numbers); validation: the train-split scenes that "
                        "training validates on, for choosing between models and settings without looking at the test set")
    args = p.parse_args(argv)
    common.resolve_paths(args, "relight")
    t0 = time.perf_counter()
    scenes = common.held_out_scenes(args.renders, args.limit, ("shadow.png", "relit.png", "mask.png", "meta.json"), args.split)
    if not scenes:
        raise SystemExit(f"no finished {args.split} scenes in {args.renders}")

    jobs, inputs = [], []
    for s in scenes:
        subject, target = common.read_rgb(s.path("shadow.png")), common.read_rgb(s.path("relit.png"))
        mask = common.read_mask(s.path("mask.png"))
        comp = composite(subject, target, mask)
        comp_path = args.work / s.id / "composite.png"
        common.write_rgb(comp_path, comp)
        inputs.append((common.read_rgb(comp_path), target, mask))  # what the engine reads: 8-bit
        source, mask_path = str(comp_path), str(s.path("mask.png"))
        if args.upscale:
            source, mask_path = common.upscaled(comp_path, s.path("mask.png"), args.work / s.id, args.upscale)
        for mode, lights in (("light", [common.light_of(s.meta["light2"])]), ("nolight", [])):
            job = {"id": f"{s.id}-{mode}", "task": "relight", "model": args.model, "input": source,
                   "mask": mask_path, "lights": lights, "seed": args.seed,
                   "output": str(args.work / s.id / f"model-{mode}.png")}
            if args.steps:
                job["steps"] = args.steps
            jobs.append(job)
    results, engine_s = common.run_engine(jobs, args.work, args.device)
    by_id = {r["id"]: r for r in results}

    rows, sheet = [], []
    for s, (comp, target, mask) in zip(scenes, inputs):
        lab = lab_transfer(comp, mask)
        common.write_rgb(args.work / s.id / "lab.png", lab)
        model = {mode: common.read_rgb(Path(by_id[f"{s.id}-{mode}"]["output"])) for mode in ("light", "nolight")}
        if args.upscale:
            model = {mode: common.downscaled_change(o, args.work / s.id, comp) for mode, o in model.items()}
        outputs = {"model_light": model["light"], "model_nolight": model["nolight"], "composite": comp, "lab": lab}
        l1, l2 = s.meta["light"], s.meta["light2"]
        turn = abs((l2["azimuth"] - l1["azimuth"] + 180) % 360 - 180)
        rows.append({
            "scene": s.id,
            "light": common.light_of(l1), "light2": common.light_of(l2),
            "bins": {"azimuth change": common.bin_of(turn, AZIMUTH_BINS),
                     "softness": common.bin_of(l2["softness"], common.SOFTNESS_BINS)},
            "metrics": {m: relight_metrics(o, target, mask) for m, o in outputs.items()},
            "engine_ms": [by_id[f"{s.id}-light"]["totalMs"], by_id[f"{s.id}-nolight"]["totalMs"]],
        })
        sheet.append([comp, target, outputs["model_light"], outputs["model_nolight"], lab])
    common.contact_sheet(args.work / "sheet.png", sheet)

    metrics = [k for k, _, _ in METRICS]
    groups = {"azimuth change": [b[0] for b in AZIMUTH_BINS], "softness": [b[0] for b in common.SOFTNESS_BINS]}
    summary = common.summarise(rows, METHODS, metrics, groups)
    total_s = time.perf_counter() - t0
    labels = {"model_light": f"`{args.model}`, light 2 given", "model_nolight": f"`{args.model}`, no light (background decides)",
              "composite": "composite as is (baseline)", "lab": "Lab mean/std transfer (baseline)"}
    md = "\n\n".join([
        common.header(f"Relight (issue #6): {'held-out' if args.split == 'test' else 'validation'} renders"
                      + (f", upscaled to {args.upscale} px for the engine, its change scored at the renders' size" if args.upscale else ""),
                      args, len(scenes), engine_s, total_s, results),
        "Subject of shadow.png (light 1) pasted onto relit.png (light 2); target relit.png. "
        "fMSE on 0..255 over the subject (mask-weighted), fPSNR per scene then averaged.",
        common.table(summary["all"], METHODS, labels, METRICS),
        f"Images (composite, target, model with light, model without, Lab transfer; first 16 scenes): "
        f"`{common.rel(args.work / 'sheet.png')}`.",
        "By how far the light turned (azimuth of light 2 vs light 1):",
        common.binned_table(summary, "azimuth change", METHODS, labels, METRICS),
        "By softness of light 2:",
        common.binned_table(summary, "softness", METHODS, labels, METRICS),
    ])
    data = common.run_data("relight", args, scenes, results, engine_s, total_s, summary, rows, split=args.split, upscale=args.upscale)
    common.write_report(md, data, args.out, args.json, args.quiet)
    return data


if __name__ == "__main__":
    main()
