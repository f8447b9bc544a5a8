"""Shared by the task-model evaluations (eval_shadow.py, eval_relight.py): held-out scenes from the
render cache, the app's engine run through scripts/eval-runner.ts (one Node process for all jobs),
image helpers, per-bin summaries and the markdown/JSON report.

Pixels are read as float32 RGB in 0..1 (sRGB-encoded, as the PNGs store them; nothing is
linearised). Masks are float32 in 0..1 (the renders' masks are anti-aliased)."""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from lbm.data import is_validation_scene

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "scripts" / "eval-runner.ts"
LIGHT_KEYS = ("azimuth", "elevation", "softness", "intensity", "colour")


@dataclass
class Scene:
    id: str
    dir: Path
    meta: dict

    def path(self, name: str) -> Path:
        return self.dir / name


def held_out_scenes(renders: Path, limit: int | None = None, files: tuple[str, ...] = (), split: str = "test") -> list[Scene]:
    """The finished held-out scenes (meta.json written last, split 'test'), in id order; a scene
    missing one of `files` is skipped (scenes are being rendered while we read). With split
    "validation", the train-split scenes that training keeps out to choose by instead
    (lbm/data.py is_validation_scene): models and engine settings are chosen there, never on the test set."""
    if split not in ("test", "validation"):
        raise ValueError(f"split must be 'test' or 'validation', not {split!r}")
    root = renders / "scenes" if (renders / "scenes").is_dir() else renders
    out = []
    for meta_path in sorted(root.glob("*/meta.json")):
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        wanted = meta.get("split") == "test" if split == "test" else (
            meta.get("split") == "train" and is_validation_scene(int(meta.get("scene_id", int(meta_path.parent.name)))))
        if not wanted or not all((meta_path.parent / f).is_file() for f in files):
            continue
        out.append(Scene(meta_path.parent.name, meta_path.parent, meta))
        if limit and len(out) >= limit:
            break
    return out


def validation_photos(pack: Path, crop: int = 224) -> list[Path]:
    """The removal round's own validation photos: every 25th photo of the pack that training
    crops from (lbm/packed.py `Pack.remove_val_photos`), never in its training batches; the
    segmenter's validation composites are drawn on them too."""
    usable = [p for p in sorted((pack / "photos").glob("*.webp")) if min(Image.open(p).size) >= crop]
    return usable[::25]


def light_of(meta_light: dict) -> dict:
    """A meta.json light as the engine's light (the contract's fields, colour clamped to 0..1)."""
    light = {k: meta_light[k] for k in LIGHT_KEYS}
    light["colour"] = [min(1.0, max(0.0, float(c))) for c in light["colour"]]
    light["elevation"] = min(90.0, max(5.0, float(light["elevation"])))
    return light


def read_rgb(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255


def read_mask(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 255


def write_rgb(path: Path, rgb: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.clip(np.round(rgb * 255), 0, 255).astype(np.uint8)).save(path)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Rec. 709 luma of sRGB-encoded 0..1 values."""
    return rgb @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


# --- the engine ---------------------------------------------------------------------------------

def upscaled(source: Path, mask: Path, folder: Path, side: int) -> tuple[str, str]:
    """`--upscale`: a render's source and mask at `side` px on the long side (Lanczos, bilinear),
    written to `folder` as a large photo's stand-in for the engine; their paths."""
    rgb, m = read_rgb(source), read_mask(mask)
    h, w = m.shape
    size = (round(w * side / max(h, w)), round(h * side / max(h, w)))
    write_rgb(folder / "source-up.png", cv2.resize(rgb, size, interpolation=cv2.INTER_LANCZOS4))
    cv2.imwrite(str(folder / "mask-up.png"), np.clip(cv2.resize(m, size, interpolation=cv2.INTER_LINEAR) * 255 + 0.5, 0, 255).astype(np.uint8))
    return str(folder / "source-up.png"), str(folder / "mask-up.png")


def downscaled_change(output: np.ndarray, folder: Path, source: np.ndarray) -> np.ndarray:
    """`--upscale`: the engine's change to the upscaled source (output minus it), brought back to the
    render's size by area averaging and added to the render's own source."""
    change = output - read_rgb(folder / "source-up.png")
    return np.clip(source + cv2.resize(change, (source.shape[1], source.shape[0]), interpolation=cv2.INTER_AREA), 0, 1)


def run_engine(jobs: list[dict], workdir: Path, device: str = "auto", timeout: float | None = None) -> tuple[list[dict], float]:
    """Runs the jobs (see scripts/eval-runner.ts) through the app's engine in one Node process;
    returns the per-job results and the wall seconds of the whole process."""
    node = shutil.which("node")
    if not node:
        raise RuntimeError("node is not on PATH (the engine runs in Node)")
    workdir.mkdir(parents=True, exist_ok=True)
    jobs_path, results_path = workdir / "jobs.json", workdir / "results.json"
    jobs_path.write_text(json.dumps(jobs, indent=1))
    results_path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    proc = subprocess.run([node, "--import", "tsx", str(RUNNER), str(jobs_path), str(results_path), "--device", device],
                          cwd=REPO, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - t0
    if not results_path.exists():
        raise RuntimeError(f"the engine runner failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    results = json.loads(results_path.read_text())
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(results)} engine jobs failed, first: {failed[0]['id']}: {failed[0]['error']}")
    return results, seconds


# --- summaries and the report ---------------------------------------------------------------------

def bin_of(value: float, edges: list[tuple[str, float, float]]) -> str:
    for name, lo, hi in edges:
        if lo <= value < hi:
            return name
    return edges[-1][0]


SOFTNESS_BINS = [("hard (<0.33)", -math.inf, 0.33), ("medium (0.33-0.66)", 0.33, 0.66), ("soft (>0.66)", 0.66, math.inf)]
ELEVATION_BINS = [("low (<35°)", -math.inf, 35), ("mid (35-60°)", 35, 60), ("high (>60°)", 60, math.inf)]
# The camera's pitch below the horizon (render/common.py CAMERA_HEIGHTS): the geometric baseline and
# the shadow model's projection hint assume about 30 degrees (lbm/projection.py DEPTH_SCALE).
CAMERA_BINS = [("low (<12° down)", -math.inf, 12), ("mid (12-30°)", 12, 30), ("high (>30°)", 30, math.inf)]


def mean(values: list[float]) -> float:
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.mean(vals)) if vals else float("nan")


def summarise(rows: list[dict], methods: list[str], metrics: list[str], groups: dict[str, list[str]]) -> dict:
    """Means of each metric per method over all rows and per bin of each grouping.
    rows: [{"scene", "bins": {group: bin}, "metrics": {method: {metric: value}}}]."""
    def block(sel: list[dict]) -> dict:
        return {"n": len(sel), **{m: {k: mean([r["metrics"][m][k] for r in sel]) for k in metrics} for m in methods}}

    out = {"all": block(rows)}
    for group, names in groups.items():
        out[group] = {name: block([r for r in rows if r["bins"][group] == name]) for name in names}
    return out


def fmt(v: float, digits: int) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


def table(summary: dict, methods: list[str], labels: dict[str, str], metrics: list[tuple[str, str, int]]) -> str:
    """A markdown table: one row per method, one column per metric (name, header, digits)."""
    lines = ["| method | " + " | ".join(h for _, h, _ in metrics) + " |", "|---|" + "---|" * len(metrics)]
    for m in methods:
        lines.append(f"| {labels[m]} | " + " | ".join(fmt(summary[m][k], d) for k, _, d in metrics) + " |")
    return "\n".join(lines)


def binned_table(summary: dict, group: str, methods: list[str], labels: dict[str, str], metrics: list[tuple[str, str, int]]) -> str:
    """A markdown table per bin of one grouping: rows = bin x method."""
    lines = [f"| {group} | n | method | " + " | ".join(h for _, h, _ in metrics) + " |", "|---|---|---|" + "---|" * len(metrics)]
    for name, block in summary[group].items():
        for i, m in enumerate(methods):
            head = f"| {name} | {block['n']} |" if i == 0 else "| | |"
            vals = " | ".join(fmt(block[m][k], d) if block["n"] else "" for k, _, d in metrics)
            lines.append(f"{head} {labels[m]} | {vals} |")
    return "\n".join(lines)


def _finite_json(x):
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite_json(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite_json(v) for v in x]
    return x


def run_data(task: str, args, scenes: list, results: list[dict], engine_s: float, total_s: float,
             summary: dict, rows: list, **extra) -> dict:
    """The JSON of a render evaluation: what ran, on what, how long, and every number."""
    return {"task": task, "model": args.model, "renders": str(args.renders), "scenes": len(scenes), **extra,
            "steps": results[0]["steps"], "seed": args.seed, "device": results[0]["device"], "engine_seconds": engine_s,
            "total_seconds": total_s, "summary": summary, "per_scene": rows}


def write_report(markdown: str, data: dict, out_md: Path, out_json: Path, quiet: bool = False) -> None:
    """Prints the markdown and writes it and the JSON (non-finite numbers become null)."""
    if not quiet:
        print(markdown)
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text(markdown + "\n")
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(_finite_json(data), indent=1) + "\n")


def arguments(task: str, default_model: str, description: str, upscale: bool = False) -> argparse.ArgumentParser:
    """The options every render evaluation takes; `upscale`: also --upscale (the low-frequency edits)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--model", default=default_model, help=f"model id in models/ (default {default_model})")
    p.add_argument("--limit", type=int, default=None, help="evaluate the first N test scenes only")
    p.add_argument("--renders", type=Path, default=REPO / ".cache" / "renders", help="the render cache (default .cache/renders)")
    p.add_argument("--out", type=Path, default=REPO / ".cache" / "eval" / f"{task}.md", help=f"markdown report (default .cache/eval/{task}.md)")
    p.add_argument("--json", type=Path, default=None, help="JSON report (default: --out with .json)")
    p.add_argument("--work", type=Path, default=None,
                   help=f"where the inputs and outputs of each scene are written (default .cache/eval/{task}-<model>/)")
    p.add_argument("--steps", type=int, default=None, help="sampler steps (default: the model's)")
    if upscale:
        p.add_argument("--upscale", type=int, default=None, metavar="SIDE",
                       help="a large photo's stand-in: the engine gets the source and mask upscaled to SIDE px (Lanczos, "
                            "bilinear) and its change comes back to the render's size (area) onto the source, scored as usual")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=["auto", "cpu", "gpu"], default="auto", help="engine device (default auto, as the app)")
    p.add_argument("--quiet", action="store_true", help="do not print the report")
    return p


def resolve_paths(args: argparse.Namespace, task: str) -> None:
    """Fills in the default report and work paths; stops early if the model is not installed."""
    models = Path(os.environ.get("LBM_MODELS_DIR", REPO / "models"))
    if not (models / args.model / "model.json").is_file():
        have = sorted(p.parent.name for p in models.glob("*/model.json"))
        raise SystemExit(f"model '{args.model}' is not in {models} (installed: {', '.join(have)})")
    if args.json is None:
        args.json = args.out.with_suffix(".json")
    if args.work is None:
        args.work = REPO / ".cache" / "eval" / f"{task}-{args.model}"


def header(title: str, args: argparse.Namespace, n: int, engine_s: float, total_s: float, results: list[dict]) -> str:
    dev = results[0]["device"] if results else {"kind": "?", "provider": "?"}
    ms = [r["totalMs"] for r in results]
    which = "held-out scenes (split `test`)" if getattr(args, "split", "test") == "test" else "validation scenes (every tenth of split `train`)"
    return (f"## {title}\n\nModel `{args.model}`, {n} {which} from `{rel(args.renders)}`, "
            f"steps {results[0]['steps'] if results else '?'}, seed {args.seed}, engine on {dev['kind']} ({dev['provider']}); "
            f"{len(results)} engine runs, median {fmt(float(np.median(ms)) if ms else float('nan'), 0)} ms each, "
            f"{engine_s:.1f} s in the engine process, {total_s:.1f} s in all.")


def rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(REPO))
    except ValueError:
        return str(p)


def contact_sheet(path: Path, rows: list[list[np.ndarray]], max_rows: int = 16) -> None:
    """The images of each scene side by side, one scene a row (the first `max_rows`), as a PNG."""
    rows = rows[:max_rows]
    if not rows:
        return
    h, w = rows[0][0].shape[:2]
    sheet = np.ones((len(rows) * (h + 2), max(len(r) for r in rows) * (w + 2), 3), np.float32)
    for i, r in enumerate(rows):
        for j, img in enumerate(r):
            if img.shape[:2] != (h, w):
                continue
            if img.ndim == 2:
                img = np.repeat(img[..., None], 3, axis=2)
            sheet[i * (h + 2):i * (h + 2) + h, j * (w + 2):j * (w + 2) + w] = img
    write_rgb(path, sheet)
