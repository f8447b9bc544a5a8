"""Object removal, evaluated the way the app runs it, against OpenCV's inpainting.

    /usr/bin/python3 training/eval/eval_remove.py [--model lbm-remove-s8] [--out .cache/eval/remove]
        [--bsds 50] [--masks-per-photo 2] [--limit N] [--renders .cache/renders] [--work DIR]

Held-out photos, never trained on: the 24 Kodak photos and a fixed subset of the BSDS500 test
split (every 4th of the 200 by sorted name with the default `--bsds 50`; `--bsds 200` takes all).
Each photo gets `--masks-per-photo` object-shaped masks from `lbm.masks.MaskSource(h, w).any(rng,
split="test")` (held-out BSDS test segments, held-out Tux Paint cut-outs, or brush strokes; 3 to
40 percent cover), the generator seeded by `--seed` and the photo's name, so every run and every
model sees the same masks. The photo itself is the ground truth.

The model runs through the app's engine, one Node process for all cases
(`scripts/eval-runner.ts`, exactly `lbm remove photo --mask m -o out.png` with the CLI's
defaults: no extra grow or feather, seed 0, the model's default steps). The engine crops around
the mask, fills the hole with noise, runs the bridge and pastes the result back through
`alpha = min(1, 2 * boxmean(mask, r))`, r = max(2, round(0.004 * long side)): the mask grown by
about r/2 and feathered over r. The baselines (cv2.INPAINT_TELEA and cv2.INPAINT_NS, radius 5)
get the same: they inpaint the hole the model is given (alpha > 1/2) and are pasted back
through the same alpha, so all three change the same pixels (the engine, besides, brightens the
object's cast shadow outside that alpha where its model lifted it: src/main/engine/shadow-lift.ts).

Metrics against the original photo: PSNR (8-bit, peak 255; identical pixels count as 100 dB)
and SSIM (Gaussian window 11, sigma 1.5, per channel on [0, 1], reflected borders) over the
pixels of the mask as drawn ("in mask": the mean of the SSIM map over them) and over the whole
image; per case, then averaged over cases. The removal issue's target: the model's in-mask PSNR
beats both baselines' by 1.5 dB or more.

Held-out Blender pairs (`<renders>/scenes/*/meta.json` with split "test"; skipped if there are
none): source `shadow.png` (the object and its cast shadow), target `empty.png` (the scene
without it), mask = `mask.png` dilated by `--loose` pixels (a loose stroke over the object, not
its shadow). Shadow removed = 1 - left / before, with before = the sum over pixels outside that
mask of max(0, lum(target) - lum(source)) (Rec. 709 luminance of the sRGB values in [0, 1]) and
left = the same with the output in place of the source, pooled over the scenes (and the median
of the per-scene fractions over scenes with a visible shadow). The baselines cannot reach the
shadow outside the mask: that is the point of this number. In-mask PSNR against `empty.png`
too.

For reference, a fourth method: `pushpull`, the smooth push-pull fill of the same hole
(`lbm/fill.py`), the source a `holeFill: pushpull` model starts from, pasted back alike.

`--split validation` runs all of this on what the removal rounds validate on instead: the
pack's every 25th usable photo (`--pack`, lbm/packed.py `Pack.remove_val_photos`) with
training-split masks, and the train-split scenes with an id that is a multiple of 10. Choices
about how the engine runs are made there; the test split only reports. The pack's photos are
shrunk to 384 px, the scale training crops from; `--originals` takes the same validation photos'
source files at their own size instead (BSDS 481 px, CQ100 768 px, Urban100 1024 px), like the
held-out mix of Kodak's 768 px and BSDS's 481 px, for choices that depend on the photo's size.

Writes `<out>.md`, `<out>.json` and `<out>-examples.png` (the first cases: photo with the mask,
model, Telea, NS, push-pull, original).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "training"))
from eval import common  # noqa: E402
from lbm.data import PHOTOS, list_images, training_photos  # noqa: E402
from lbm.fill import pushpull_fill  # noqa: E402
from lbm.masks import MaskSource  # noqa: E402

PSNR_CAP = 100.0
LUMA = np.array([0.2126, 0.7152, 0.0722])
# pushpull: the smooth fill a `holeFill: pushpull` model starts from (lbm/fill.py), for reference;
# the baselines are Telea and NS.
METHODS = ("model", "telea", "ns", "pushpull")
BASELINES = ("telea", "ns")


# ---------------------------------------------------------------------------------------------
# The engine's paste-back alpha (src/main/engine/tasks.ts removeObject, transfer.ts boxMean).

def box_mean(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 box clipped at the borders (the engine's boxMean)."""
    def along(x: np.ndarray, axis: int) -> np.ndarray:
        n = x.shape[axis]
        c = np.cumsum(np.pad(x, [(1, 0) if i == axis else (0, 0) for i in range(x.ndim)]), axis=axis)
        i = np.arange(n)
        hi, lo = np.minimum(n - 1, i + r), np.maximum(0, i - r)
        s = np.take(c, hi + 1, axis=axis) - np.take(c, lo, axis=axis)
        shape = [1] * x.ndim
        shape[axis] = n
        return s / (hi - lo + 1).reshape(shape)
    return along(along(a.astype(np.float64), 1), 0)


def paste_alpha(mask: np.ndarray) -> np.ndarray:
    """The engine's dilated, feathered paste-back alpha (uint8) for a mask drawn as 0..255."""
    h, w = mask.shape
    r = max(2, int(math.floor(max(h, w) * 0.004 + 0.5)))
    spread = box_mean((mask > 127).astype(np.float64), r)
    return np.minimum(255, np.floor(510 * spread + 0.5)).astype(np.uint8)


def paste_back(photo: np.ndarray, patch: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha[..., None].astype(np.float64) / 255
    out = np.floor(photo + (patch.astype(np.float64) - photo) * a + 0.5)
    return np.where(alpha[..., None] > 0, out, photo).astype(np.uint8)


def baseline(photo: np.ndarray, mask: np.ndarray, flag: int, radius: float) -> np.ndarray:
    """OpenCV inpainting of the model's hole (alpha > 1/2), pasted back through the same alpha."""
    alpha = paste_alpha(mask)
    hole = (alpha > 127).astype(np.uint8)
    filled = cv2.cvtColor(cv2.inpaint(cv2.cvtColor(photo, cv2.COLOR_RGB2BGR), hole, radius, flag), cv2.COLOR_BGR2RGB)
    return paste_back(photo, filled, alpha)


def smooth_fill(photo: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The push-pull fill of the same hole at full resolution, pasted back through the same alpha."""
    import torch
    alpha = paste_alpha(mask)
    x = torch.from_numpy(photo.copy()).permute(2, 0, 1)[None].float()
    hole = torch.from_numpy((alpha > 127).astype(np.float32))[None, None]
    filled = pushpull_fill(x, hole)[0].permute(1, 2, 0).round().clamp(0, 255).numpy().astype(np.uint8)
    return paste_back(photo, filled, alpha)


# ---------------------------------------------------------------------------------------------
# Metrics.

def psnr(a: np.ndarray, b: np.ndarray, where: np.ndarray | None = None) -> float:
    """PSNR in dB of 8-bit RGB images over `where` (HxW bool) or everywhere; identical -> 100."""
    d = a.astype(np.float64) - b.astype(np.float64)
    if where is not None:
        d = d[where]
    mse = float(np.mean(d * d)) if d.size else 0.0
    return PSNR_CAP if mse <= 255.0 ** 2 * 10 ** (-PSNR_CAP / 10) else 10 * math.log10(255.0 ** 2 / mse)


def ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """HxW SSIM map (Gaussian window 11, sigma 1.5, mean over RGB) of 8-bit images."""
    a, b = a.astype(np.float64) / 255, b.astype(np.float64) / 255
    blur = lambda x: cv2.GaussianBlur(x, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)
    mu_a, mu_b = blur(a), blur(b)
    var_a, var_b = blur(a * a) - mu_a ** 2, blur(b * b) - mu_b ** 2
    cov = blur(a * b) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return s.mean(axis=2)


def image_metrics(out: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> dict:
    inside = mask > 127
    s = ssim_map(out, truth)
    return {"psnr_mask": psnr(out, truth, inside), "ssim_mask": float(s[inside].mean()),
            "psnr_image": psnr(out, truth), "ssim_image": float(s.mean())}


def luminance(img: np.ndarray) -> np.ndarray:
    return (img.astype(np.float64) / 255) @ LUMA


def shadow_darkening(target: np.ndarray, img: np.ndarray, outside: np.ndarray) -> float:
    """Sum over `outside` of max(0, lum(target) - lum(img)): darkening that the target lacks."""
    return float(np.maximum(0, luminance(target) - luminance(img))[outside].sum())


def shadow_metrics(out: np.ndarray, source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> dict:
    outside = mask <= 127
    before, left = shadow_darkening(target, source, outside), shadow_darkening(target, out, outside)
    return {"before": before, "left": left, "removed": 1 - left / before if before > 0 else None,
            "psnr_mask": psnr(out, target, ~outside), "psnr_image": psnr(out, target)}


# ---------------------------------------------------------------------------------------------
# Cases.

def read_rgb(p: Path) -> np.ndarray:
    return np.asarray(Image.open(p).convert("RGB"), dtype=np.uint8)


def write_png(p: Path, a: np.ndarray) -> Path:
    Image.fromarray(a).save(p)
    return p


def photo_sets(bsds: int, limit: int | None, split: str = "test", pack: Path | None = None,
               originals: bool = False) -> list[tuple[str, Path]]:
    if split == "validation":
        chosen = common.validation_photos(pack)
        if originals:  # pack.py wrote training_photos()[i] as i.webp
            sources = training_photos(PHOTOS)
            chosen = [sources[int(p.stem)] for p in chosen]
        photos = [("validation", p) for p in chosen]
    else:
        kodak = list_images(PHOTOS / "kodak24")
        test = list_images(PHOTOS / "bsds500" / "images" / "test")
        n = min(bsds, len(test))
        subset = [test[i * len(test) // n] for i in range(n)] if n else []
        photos = [("kodak", p) for p in kodak] + [("bsds", p) for p in subset]
    return photos[:limit] if limit is not None else photos


def photo_masks(name: str, h: int, w: int, count: int, seed: int, split: str = "test") -> list[np.ndarray]:
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    src = MaskSource(h, w)
    return [(src.any(rng, split=split) * 255).astype(np.uint8) for _ in range(count)]


def render_scenes(renders: Path, split: str = "test") -> list[Path]:
    """Test scenes, or with split "validation" the train-split scenes training validates on
    (the same choice as the other evaluations, eval/common.py)."""
    return [s.dir for s in common.held_out_scenes(renders, None, ("shadow.png", "empty.png", "mask.png"), split)]


def loose_mask(mask: np.ndarray, pixels: int) -> np.ndarray:
    """A loose stroke over the object: its mask dilated by `pixels` (square, as training's `loosen`)."""
    m = (mask > 127).astype(np.uint8)
    return (cv2.dilate(m, np.ones((2 * pixels + 1, 2 * pixels + 1), np.uint8)) * 255).astype(np.uint8)


def run_model(cases: list[dict], work: Path, model: str | None, device: str, steps: int | None) -> list[dict]:
    """All cases through the app's engine in one Node process (scripts/eval-runner.ts)."""
    jobs = [{"id": str(i), "task": "remove", "input": c["image"], "mask": c["mask"], "output": c["output"], "seed": c["seed"]}
            | ({"model": model} if model else {}) | ({"steps": steps} if steps else {}) for i, c in enumerate(cases)]
    (work / "jobs.json").write_text(json.dumps(jobs))
    cmd = ["node", "--import", "tsx", "scripts/eval-runner.ts", str(work / "jobs.json"), str(work / "results.json"), "--device", device]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)  # its progress goes to stderr
    results = json.loads((work / "results.json").read_text()) if (work / "results.json").exists() else []
    failed = [r for r in results if not r.get("ok")]
    if proc.returncode != 0 or failed or len(results) != len(jobs):
        raise SystemExit(f"the engine failed ({len(failed)} of {len(jobs)} cases): "
                         + (failed[0]["error"] if failed else "see above"))
    return results


# ---------------------------------------------------------------------------------------------
# Report.

def mean(xs: list[float]) -> float:
    return float(np.mean(xs)) if xs else float("nan")


def summarise(rows: list[dict]) -> dict:
    out = {}
    for sset in ("kodak", "bsds", "validation", "all"):
        sel = [r for r in rows if sset == "all" or r["set"] == sset]
        if not sel:
            continue
        out[sset] = {"cases": len(sel), "photos": len({r["photo"] for r in sel})} | {
            m: {k: mean([r[m][k] for r in sel]) for k in ("psnr_mask", "ssim_mask", "psnr_image", "ssim_image")} for m in METHODS}
    return out


def summarise_renders(rows: list[dict]) -> dict:
    out = {"scenes": len(rows)}
    for m in METHODS:
        before = sum(r[m]["before"] for r in rows)
        left = sum(r[m]["left"] for r in rows)
        per = [r[m]["removed"] for r in rows if r[m]["before"] >= 1.0]  # a visible shadow (>= 1 luminance-pixel)
        out[m] = {"removed_pooled": 1 - left / before if before > 0 else None,
                  "removed_median": float(np.median(per)) if per else None,
                  "psnr_mask": mean([r[m]["psnr_mask"] for r in rows]), "psnr_image": mean([r[m]["psnr_image"] for r in rows])}
    return out


def markdown(res: dict) -> str:
    cfg = res["config"]
    held = cfg.get("split", "test") == "test"
    f = lambda v, d=2: "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{d}f}"
    lines = [f"Object removal: model `{res['model']}` ({res['steps']} step(s), {res['device']}) against OpenCV inpainting "
             f"(radius {cfg['radius']}), {cfg['masks_per_photo']} {'held-out' if held else 'validation'} masks per photo (seed {cfg['seed']}).", ""]
    if res["photos"]:
        lines += ["| photos | method | in-mask PSNR (dB) | in-mask SSIM | image PSNR (dB) | image SSIM |", "|---|---|---|---|---|---|"]
        for sset, s in res["photos"].items():
            label = {"kodak": "Kodak", "bsds": "BSDS500 test", "validation": "validation photos", "all": "all"}[sset] + f" ({s['photos']} photos, {s['cases']} masks)"
            for m in METHODS:
                v = s[m]
                lines.append(f"| {label} | {m} | {f(v['psnr_mask'])} | {f(v['ssim_mask'], 4)} | {f(v['psnr_image'])} | {f(v['ssim_image'], 4)} |")
        t = res["target"]
        lines += ["", f"In-mask PSNR margin over the better baseline ({t['best_baseline']}): {t['margin_db']:+.2f} dB "
                  f"(target >= +{t['required_db']} dB: {'met' if t['met'] else 'NOT met'})."]
    r = res.get("renders")
    if r:
        lines += ["", f"{'Held-out' if held else 'Validation'} Blender pairs ({r['scenes']} {'test' if held else 'validation'} scenes, mask = object dilated {cfg['loose']} px, shadow not selected):", "",
                  "| method | shadow removed (pooled) | shadow removed (median per scene) | in-mask PSNR vs empty (dB) | image PSNR vs empty (dB) |",
                  "|---|---|---|---|---|"]
        pct = lambda v: "–" if v is None else f"{100 * v:.1f}%"
        for m in METHODS:
            v = r[m]
            lines.append(f"| {m} | {pct(v['removed_pooled'])} | {pct(v['removed_median'])} | {f(v['psnr_mask'])} | {f(v['psnr_image'])} |")
    tm = res["timing"]
    lines += ["", f"Time per case (median, ms): model {tm['model_ms']:.0f} (engine total, model load {tm['model_load_ms']:.0f} ms once), "
              f"Telea {tm['telea_ms']:.0f}, NS {tm['ns_ms']:.0f}, push-pull {tm['pushpull_ms']:.0f} (PyTorch, full size). "
              f"Whole evaluation: {tm['wall_s']:.0f} s. `pushpull` is the smooth fill alone that a `holeFill: pushpull` model starts from; "
              f"the issue's baselines are Telea and NS."]
    return "\n".join(lines) + "\n"


def examples_sheet(rows: list[tuple[np.ndarray, np.ndarray, list[np.ndarray]]], side: int = 192) -> np.ndarray:
    """Rows of photo-with-mask | model | Telea | NS | push-pull | original, each scaled to `side` high."""
    out = []
    for photo, mask, outs in rows:
        shown = photo.copy()
        edge = cv2.morphologyEx((mask > 127).astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > 0
        shown[mask > 127] = (0.5 * shown[mask > 127] + [127, 0, 0]).astype(np.uint8)
        shown[edge] = [255, 0, 0]
        w = round(photo.shape[1] * side / photo.shape[0])
        tiles = [cv2.resize(t, (w, side), interpolation=cv2.INTER_AREA) for t in [shown, *outs, photo]]
        out.append(np.concatenate(tiles, axis=1))
    width = max(r.shape[1] for r in out)
    return np.concatenate([np.pad(r, ((0, 4), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in out])


def evaluate(args: argparse.Namespace, work: Path) -> dict:
    t0 = time.perf_counter()
    photos = photo_sets(args.bsds, args.limit, args.split, args.pack, args.originals)
    scenes = render_scenes(args.renders, args.split) if args.renders else []
    if args.render_limit is not None:
        scenes = scenes[:args.render_limit]
    cases, meta = [], []
    for sset, p in photos:
        photo = read_rgb(p)
        img = write_png(work / f"{sset}-{p.stem}.png", photo)
        for k, m in enumerate(photo_masks(f"{p.parent.name}/{p.name}", *photo.shape[:2], args.masks_per_photo, args.seed,
                                          "test" if args.split == "test" else "train")):
            mp = write_png(work / f"{sset}-{p.stem}-mask{k}.png", m)
            cases.append({"image": str(img), "mask": str(mp), "output": str(work / f"{sset}-{p.stem}-out{k}.png"), "seed": args.engine_seed})
            meta.append({"kind": "photo", "set": sset, "photo": p.name, "mask": k, "cover": float((m > 127).mean())})
    for d in scenes:
        m = loose_mask(np.asarray(Image.open(d / "mask.png").convert("L")), args.loose)
        mp = write_png(work / f"scene-{d.name}-mask.png", m)
        cases.append({"image": str(d / "shadow.png"), "mask": str(mp), "output": str(work / f"scene-{d.name}-out.png"), "seed": args.engine_seed})
        meta.append({"kind": "scene", "scene": d.name, "cover": float((m > 127).mean())})
    if not cases:
        raise SystemExit("no held-out photos or test renders found (photos: %s)" % PHOTOS)
    print(f"{len(photos)} photos, {len(cases) - len(scenes)} photo cases, {len(scenes)} test scenes", file=sys.stderr)
    engine = run_model(cases, work, args.model, args.device, args.steps)
    first = engine[0]

    photo_rows, scene_rows, times, sheet = [], [], {"telea": [], "ns": [], "pushpull": []}, []
    for case, info, res in zip(cases, meta, engine):
        source, mask = read_rgb(Path(case["image"])), np.asarray(Image.open(case["mask"]).convert("L"))
        outs = {"model": read_rgb(Path(res["output"]))}
        fills = {"telea": lambda: baseline(source, mask, cv2.INPAINT_TELEA, args.radius),
                 "ns": lambda: baseline(source, mask, cv2.INPAINT_NS, args.radius), "pushpull": lambda: smooth_fill(source, mask)}
        for name, fill in fills.items():
            t = time.perf_counter()
            outs[name] = fill()
            times[name].append(1000 * (time.perf_counter() - t))
        row = info | {"model_ms": res["totalMs"], "working": res["working"]}
        if info["kind"] == "photo":
            photo_rows.append(row | {m: image_metrics(outs[m], source, mask) for m in METHODS})
        else:
            target = read_rgb(Path(case["image"]).parent / "empty.png")
            scene_rows.append(row | {m: shadow_metrics(outs[m], source, target, mask) for m in METHODS})
        if len(sheet) < args.examples and info["kind"] == "photo" and info["mask"] == 0:
            sheet.append((source, mask, [outs[m] for m in METHODS]))

    res = {"model": first["model"], "steps": first["steps"], "device": f"{first['device']['kind']} ({first['device']['provider']})",
           "config": {"bsds": args.bsds, "limit": args.limit, "masks_per_photo": args.masks_per_photo, "seed": args.seed,
                      "engine_seed": args.engine_seed, "radius": args.radius, "split": args.split, "originals": args.originals, "loose": args.loose, "photos_dir": str(PHOTOS),
                      "renders": str(args.renders) if args.renders else None},
           "photos": summarise(photo_rows)}
    if photo_rows:
        a = res["photos"]["all"]
        best = max(BASELINES, key=lambda m: a[m]["psnr_mask"])
        margin = a["model"]["psnr_mask"] - a[best]["psnr_mask"]
        res["target"] = {"best_baseline": best, "margin_db": margin, "required_db": 1.5, "met": bool(margin >= 1.5)}
    if scene_rows:
        res["renders"] = summarise_renders(scene_rows)
    med = lambda xs: float(np.median(xs)) if xs else float("nan")
    res["timing"] = {"model_ms": med([r["totalMs"] - r["timings"].get("load", 0) for r in engine]), "model_load_ms": first["timings"].get("load", 0),
                     "telea_ms": med(times["telea"]), "ns_ms": med(times["ns"]), "pushpull_ms": med(times["pushpull"]), "wall_s": time.perf_counter() - t0}
    res["cases"] = photo_rows + scene_rows
    res["_sheet"] = sheet
    return res


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="removal model id (default: models/defaults.json)")
    ap.add_argument("--steps", type=int, choices=(1, 2, 4), help="sampler steps (default: the model's)")
    ap.add_argument("--device", default="auto", choices=("auto", "cpu", "gpu"))
    ap.add_argument("--out", type=Path, default=ROOT / ".cache" / "eval" / "remove", help="writes OUT.md, OUT.json, OUT-examples.png")
    ap.add_argument("--bsds", type=int, default=50, help="BSDS500 test photos, a fixed even subset of the 200 (default 50)")
    ap.add_argument("--limit", type=int, help="at most this many photos in all (Kodak first)")
    ap.add_argument("--masks-per-photo", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="mask seed (with each photo's name)")
    ap.add_argument("--engine-seed", type=int, default=0, help="the engine's --seed (noise in the hole)")
    ap.add_argument("--radius", type=float, default=5.0, help="OpenCV inpainting radius")
    ap.add_argument("--renders", type=Path, default=ROOT / ".cache" / "renders", help="render cache with test scenes ('' to skip)")
    ap.add_argument("--render-limit", type=int, help="at most this many test scenes")
    ap.add_argument("--loose", type=int, default=6, help="pixels the object mask of a render is dilated by")
    ap.add_argument("--examples", type=int, default=6, help="photos in OUT-examples.png (0: none)")
    ap.add_argument("--work", type=Path, help="keep the case files and outputs here (default: a temporary folder)")
    ap.add_argument("--split", default="test", choices=("test", "validation"),
                    help="test: the held-out photos and test scenes (the card's numbers); validation: the removal "
                         "round's validation photos from --pack (training-split masks) and validation scenes, "
                         "for choosing how the engine runs without looking at the test set")
    ap.add_argument("--pack", type=Path, default=ROOT / ".cache" / "pack", help="the training pack (--split validation)")
    ap.add_argument("--originals", action="store_true",
                    help="--split validation: the validation photos' source files at their own size, not the pack's 384 px copies")
    args = ap.parse_args(argv)
    if args.renders is not None and str(args.renders) in ("", "."):
        args.renders = None
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        res = evaluate(args, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="lbm-eval-remove-") as tmp:
            res = evaluate(args, Path(tmp))
    sheet = res.pop("_sheet")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    md = markdown(res)
    Path(f"{args.out}.md").write_text(md)
    Path(f"{args.out}.json").write_text(json.dumps(res, indent=1) + "\n")
    if sheet:
        write_png(Path(f"{args.out}-examples.png"), examples_sheet(sheet))
    print(md, end="")
    return res


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    main()
