#!/usr/bin/env python3
"""Rebuild the render cache: the ONE command.

    python3 training/render/generate.py --out .cache/renders --count N \
        [--budget-minutes M] [--size 256] [--samples 32] [--batch 8] [--seed 0]

Scenes 0..N-1 are rendered into <out>/scenes/<id:06d>/ (see scene.py for the files). Resumable:
a scene is finished when its meta.json exists (written last, atomically); finished scenes are
skipped, unfinished ones are rendered again. Blender runs in batches of scenes per process to
amortise its start-up. The furniture libraries are unzipped once into --assets.

    python3 training/render/generate.py --out .cache/renders --count N --split train --extra noshadow2

adds one frame to each finished scene instead (resumable alike, the frame's own file marks it
done): `noshadow2.png`, light 2 with the subject's shadow off, a second cast-shadow pair with
`relit.png` for one more frame per scene (about 5 s at 256 px on one core). `--extra light3`
adds a third light's pair, `shadow3.png` and `noshadow3.png` (two frames a scene).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import EXTRA_RENDERS, hdri_split, item_split, scene_split  # noqa: E402
sys.path.insert(0, str(HERE.parent))
from lbm.data import is_validation_scene  # noqa: E402

REPO = HERE.parent.parent
FURNITURE = Path("/usr/share/sweethome3d/furniture")
HDRI_DIR = Path("/usr/share/blender/datafiles/studiolights/world")
PHOTO_ROOT = Path("/work/shared/data/photos")
PHOTO_SETS = {"cq100": "cq100", "bsds500": "bsds500/images/train", "urban100": "urban100"}
LICENCES = {"BlendSwap-CC-0": "CC0", "BlendSwap-CC-BY": "CC-BY-3.0", "KatorLegaz": "CC-BY-3.0",
            "Reallusion": "CC-BY-3.0", "Scopia": "CC-BY-3.0"}
CATALOG_VERSION = 1


def read_properties(data: bytes) -> dict:
    """Java .properties (ISO-8859-1 with \\uXXXX escapes, continuation lines)."""
    out, pending = {}, ""
    for raw in data.decode("latin-1").splitlines():
        line = pending + raw.strip()
        pending = ""
        if not line or line[0] in "#!":
            continue
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending = line[:-1]
            continue
        key, _, value = line.partition("=")
        try:
            value = value.strip().encode("latin-1", "backslashreplace").decode("unicode_escape")
        except UnicodeDecodeError:
            value = value.strip()
        out[key.strip()] = value
    return out


def extract_library(sh3f: Path, dest: Path) -> None:
    marker = dest / ".extracted"
    if marker.exists():
        return
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(sh3f) as z:
        z.extractall(tmp)
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    marker.write_text(time.strftime("%Y-%m-%d %H:%M:%S"))


def build_catalog(assets: Path) -> dict:
    """Furniture models (free-standing ones), ground photos and HDRIs, each with its split."""
    path = assets / "catalog.json"
    if path.exists():
        cat = json.loads(path.read_text())
        if cat.get("version") == CATALOG_VERSION:
            return cat
    models = []
    for sh3f in sorted(FURNITURE.glob("*.sh3f")):
        lib = sh3f.stem
        dest = assets / "furniture" / lib
        print(f"unzipping {sh3f.name} -> {dest}", flush=True)
        extract_library(sh3f, dest)
        props = read_properties((dest / "PluginFurnitureCatalog.properties").read_bytes())
        idx = sorted({int(k.split("#")[1]) for k in props if k.startswith("model#")})
        for i in idx:
            g = lambda k, d="": props.get(f"{k}#{i}", d)  # noqa: E731
            obj = dest / g("model").lstrip("/")
            w, d, h = (float(g(k, "0") or 0) for k in ("width", "depth", "height"))
            if (g("doorOrWindow") == "true" or float(g("elevation", "0") or 0) > 0 or g("modelRotation")
                    or g("staircaseCutOutShape") or not obj.exists() or h < 0.1 * max(w, d, 1e-6)):
                continue  # windows, wall/ceiling items, rotated models, flat rugs
            mid = g("id")
            models.append({"library": lib, "id": mid, "name": g("name"), "category": g("category"),
                           "creator": g("creator"), "licence": LICENCES.get(lib, "see LICENSE.TXT"),
                           "obj": str(obj), "size_cm": [w, d, h], "split": item_split("model", f"{lib}/{mid}")})
    photos = []
    for name, sub in PHOTO_SETS.items():
        folder = PHOTO_ROOT / sub
        for p in sorted(folder.glob("*")):
            if p.suffix.lower() in (".png", ".jpg", ".jpeg"):
                rel = str(p.relative_to(PHOTO_ROOT))
                photos.append({"set": name, "path": rel, "split": item_split("photo", rel)})
    hdris = [{"name": p.stem, "path": str(p), "split": hdri_split(p.stem)} for p in sorted(HDRI_DIR.glob("*.exr"))]
    cat = {"version": CATALOG_VERSION, "photo_root": str(PHOTO_ROOT), "models": models, "photos": photos,
           "hdris": hdris}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(cat, indent=1))
    os.replace(tmp, path)
    return cat


def last_attempt(scene_dir: Path) -> int:
    """The last attempt scene.py started for a scene (-1: none); it stops after attempt 3."""
    try:
        return int((scene_dir / "attempt").read_text())
    except (OSError, ValueError):
        return -1


def wanted_scene(split: str, seed: int, scene_id: int) -> bool:
    """Whether `--split` asks for this scene: the validation scenes are a part of the train split."""
    if split == "all":
        return True
    if split == "validation":
        return scene_split(seed, scene_id) == "train" and is_validation_scene(scene_id)
    return scene_split(seed, scene_id) == split


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--count", required=True, type=int, help="scenes 0..count-1")
    ap.add_argument("--split", choices=("train", "test", "validation", "all"), default="all",
                    help="render only the scenes of one split (e.g. more held-out scenes for evaluation); "
                         "validation: the train-split scenes training and engine choices validate on (lbm.data.is_validation_scene)")
    ap.add_argument("--budget-minutes", type=float, default=None, help="stop starting scenes after this")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--samples", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=8, help="scenes per Blender process")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--assets", type=Path, default=REPO / ".cache" / "render-assets",
                    help="unzipped furniture + catalog.json (shared between caches)")
    ap.add_argument("--blender", default=shutil.which("blender") or "blender")
    ap.add_argument("--extra", choices=tuple(EXTRA_RENDERS), default=None,
                    help="add this extra's frames to the finished scenes (scene.py render_extra) instead of rendering scenes")
    args = ap.parse_args(argv)

    t0 = time.time()
    deadline = t0 + args.budget_minutes * 60 if args.budget_minutes else None
    args.assets.mkdir(parents=True, exist_ok=True)
    cat = build_catalog(args.assets)
    n_test = sum(m["split"] == "test" for m in cat["models"])
    print(f"catalog: {len(cat['models'])} models ({n_test} test), {len(cat['photos'])} photos, "
          f"{len(cat['hdris'])} hdris", flush=True)

    scenes = args.out / "scenes"
    scenes.mkdir(parents=True, exist_ok=True)
    wanted = [i for i in range(args.count) if wanted_scene(args.split, args.seed, i)]
    done_file = lambda i: scenes / f"{i:06d}" / (f"{EXTRA_RENDERS[args.extra][-1]}.png" if args.extra else "meta.json")  # noqa: E731
    if args.extra:  # only finished scenes get the extra frame
        wanted = [i for i in wanted if (scenes / f"{i:06d}" / "meta.json").exists()]
    todo = [i for i in wanted if not done_file(i).exists()]
    print(f"{len(wanted) - len(todo)} of {len(wanted)} scenes already done; {len(todo)} to render", flush=True)
    done = 0
    failures = 0
    extra_tries: dict[int, int] = {}  # --extra: the times a scene crashed Blender
    while todo:
        if deadline and time.time() > deadline:
            print("budget spent", flush=True)
            break
        batch, todo = todo[: args.batch], todo[args.batch:]
        cmd = [args.blender, "-b", "-noaudio", "--factory-startup", "-P", str(HERE / "scene.py"), "--",
               "--catalog", str(args.assets / "catalog.json"), "--out", str(scenes), "--seed", str(args.seed),
               "--ids", ",".join(map(str, batch)), "--size", str(args.size), "--samples", str(args.samples),
               "--threads", str(args.threads)]
        if deadline:
            cmd += ["--deadline", str(deadline)]
        if args.extra:
            cmd += ["--extra", args.extra]
        tb = time.time()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        finished = [i for i in batch if done_file(i).exists()]
        done += len(finished)
        for line in proc.stdout.splitlines():
            if line.startswith(("[scene]", "[error]", "Traceback", "Error")):
                print(line, flush=True)
        if proc.returncode != 0 or len(finished) < len(batch):
            # Blender crashed (or gave up) on one scene: the others go back to the front of the queue;
            # the crashed one too, and scene.py re-picks its model (its attempt file), up to 4 tries
            # (an extra frame keeps its scene's model: the scene that crashed, the first unfinished one,
            # is tried again at the end of the queue, up to 3 times in all; the rest go on at once)
            if args.extra:
                unfinished = [i for i in batch if i not in finished]
                crashed = unfinished[0]
                extra_tries[crashed] = extra_tries.get(crashed, 0) + 1
                retry = unfinished[1:]
                todo += [crashed] if extra_tries[crashed] < 3 else []
            else:
                retry = [i for i in batch if i not in finished and last_attempt(scenes / f"{i:06d}") < 3]
            todo = retry + todo
            failures += 1
            print(f"blender exited {proc.returncode}; last output:\n" + "\n".join(proc.stdout.splitlines()[-15:]),
                  flush=True)
            if failures > 10 and done == 0:
                return 1
        el = time.time() - tb
        per = el / max(len(finished), 1)
        print(f"batch {batch[0]}..{batch[-1]}: {len(finished)}/{len(batch)} in {el:.1f}s ({per:.1f} s/scene); "
              f"total {done} new, {time.time() - t0:.0f}s elapsed", flush=True)
    total = sum(1 for i in wanted if done_file(i).exists())
    print(f"done: {total} of {len(wanted)} scenes finished ({done} new in {time.time() - t0:.0f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
