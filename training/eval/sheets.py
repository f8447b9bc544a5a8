"""The README's example pictures of the three task models on real photos (none of them trained on):

    /usr/bin/python3 training/eval/sheets.py [--only shadow remove relight] [--out docs/examples]

- shadow.jpg (#4): held-out Tux Paint cut-outs standing near the bottom centre of held-out photos
  (BSDS test split, Kodak), the subject mask = the cut-out's alpha; the shadow model at three
  light positions. Columns: composite | light 1 | light 2 | light 3.
- remove.jpg (#5): held-out photos (BSDS test split), the mask = one annotator's segment of a
  clear object (picked by a point on it, dilated a little, as a user paints loosely).
  Columns: photo with the mask tinted red | the removal model | OpenCV Telea (radius 5).
- relight.jpg (#6): held-out cut-outs pasted onto held-out photos with a clearly different light
  (dusk, fire at night, a warm interior, under water). Columns: composite | relit, no light (the
  background decides) | relit with a warm light from the left.

The inputs are fixed below (chosen as sensible photos and objects, not by their results); the
engine runs with seed 0 through scripts/eval-runner.ts (the app's Engine, the default models of
models/defaults.json unless --*-model), so the pictures regenerate the same."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # training/
from eval import common  # noqa: E402

PHOTOS = Path("/work/shared/data/photos")
BSDS = PHOTOS / "bsds500" / "images" / "test"
BSDS_TRUTH = PHOTOS / "bsds500" / "groundTruth" / "test"
KODAK = PHOTOS / "kodak24"
STAMPS = Path("/usr/share/tuxpaint/stamps")
SIDE = 512  # working long side of every input
SEED = 0

# (cut-out, background, its height, the x of its centre and the y of its foot, as shares of the picture's)
SHADOW_ROWS = [
    ("household/home_compost_bin.png", BSDS / "36046.jpg", 0.42, 0.5, 0.93),  # on grass
    ("plants/mushrooms/cep-1.png", BSDS / "120003.jpg", 0.25, 0.33, 0.78),    # on a table
    ("household/cylinder.png", BSDS / "344010.jpg", 0.45, 0.6, 0.96),         # on a road
    ("food/fruit/apple_fuji.png", BSDS / "105027.jpg", 0.22, 0.72, 0.92),     # on sand
]
SHADOW_LIGHTS = [
    ("light from the right", dict(azimuth=30, elevation=40, softness=0.2)),
    ("light from the back left, soft", dict(azimuth=150, elevation=35, softness=0.6)),
    ("light from the camera side", dict(azimuth=270, elevation=45, softness=0.3)),
]

# (BSDS test photo, a point (x, y as shares of width, height) on the object to remove)
REMOVE_ROWS = [
    ("3063", (0.50, 0.50)),    # an aeroplane in the sky
    ("8068", (0.65, 0.50)),    # a swan on water
    ("100007", (0.35, 0.45)),  # a bear on snow
    ("48025", (0.45, 0.65)),   # a tugboat
    ("384022", (0.55, 0.70)),  # a boat on a beach
]
REMOVE_GROW = 5  # px at SIDE: masks are painted a little loose

RELIGHT_ROWS = [
    ("animals/mammals/equines/horse.png", BSDS / "179084.jpg", 0.40, 0.5, 0.93),       # dusk, purple sky
    ("people/fireman240a.png", BSDS / "285022.jpg", 0.55, 0.5, 0.93),                 # fire at night
    ("household/home_compost_bin.png", BSDS / "128035.jpg", 0.40, 0.5, 0.93),         # a warm-lit interior
    ("plants/mushrooms/cep-1.png", BSDS / "306052.jpg", 0.40, 0.5, 0.93),             # under water, blue
]
RELIGHT_LIGHT = ("warm light from the left (az 180°, el 30°)",
                 dict(azimuth=180, elevation=30, softness=0.3, intensity=1.0, colour=[1.0, 0.7, 0.45]))


# --- inputs -----------------------------------------------------------------------------------------

def load_photo(path: Path, side: int = SIDE) -> np.ndarray:
    img = Image.open(path).convert("RGB")
    s = side / max(img.size)
    return np.asarray(img.resize((round(img.width * s), round(img.height * s)), Image.LANCZOS), np.float32) / 255


def composite(cutout: str, background: Path, height_share: float, centre: float = 0.5, bottom: float = 0.93) -> tuple[np.ndarray, np.ndarray]:
    """The cut-out standing on the background, centred at x = centre * width with its foot at
    y = bottom * height: (RGB, alpha), both 0..1."""
    bg = load_photo(background)
    H, W = bg.shape[:2]
    cut_img = Image.open(STAMPS / cutout).convert("RGBA")
    a = np.asarray(cut_img)[..., 3]
    ys, xs = np.nonzero(a > 8)
    cut_img = cut_img.crop((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))  # tight box around the object
    k = min(height_share * H / cut_img.height, 0.6 * W / cut_img.width)
    nw, nh = max(8, round(cut_img.width * k)), max(8, round(cut_img.height * k))
    cut = np.asarray(cut_img.resize((nw, nh), Image.LANCZOS), np.float32) / 255
    x, y = min(W - nw, max(0, round(centre * W - nw / 2))), min(H - nh, round(bottom * H) - nh)
    alpha = np.zeros((H, W), np.float32)
    alpha[y:y + nh, x:x + nw] = cut[..., 3]
    rgb = bg.copy()
    region = rgb[y:y + nh, x:x + nw]
    rgb[y:y + nh, x:x + nw] = region * (1 - cut[..., 3:]) + cut[..., :3] * cut[..., 3:]
    return rgb, alpha


def bsds_object_mask(photo_id: str, point: tuple[float, float], shape: tuple[int, int]) -> np.ndarray:
    """The segment under `point` of the first annotator, at `shape`, grown by REMOVE_GROW px."""
    import scipy.io
    seg = scipy.io.loadmat(str(BSDS_TRUTH / f"{photo_id}.mat"))["groundTruth"][0][0]["Segmentation"][0, 0]
    label = seg[int(point[1] * seg.shape[0]), int(point[0] * seg.shape[1])]
    m = cv2.resize((seg == label).astype(np.uint8) * 255, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR) > 127
    k = 2 * REMOVE_GROW + 1
    return cv2.dilate(m.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))).astype(np.float32)


def tint(rgb: np.ndarray, mask: np.ndarray, colour=(1.0, 0.1, 0.1), strength: float = 0.5) -> np.ndarray:
    m = (mask >= 0.5).astype(np.float32)[..., None]
    out = rgb * (1 - strength * m) + strength * m * np.array(colour, np.float32)
    edge = cv2.morphologyEx(m[..., 0].astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)).astype(bool)
    out[edge] = colour
    return out


# --- the sheet --------------------------------------------------------------------------------------

def font(size: int) -> ImageFont.ImageFont:
    for name in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def sheet(rows: list[list[np.ndarray]], headers: list[str], out: Path, tile_w: int, row_labels: list[str] | None = None,
          quality: int = 85, max_kb: int = 350) -> None:
    """Tiles of each row side by side (each resized to tile_w wide, rows as tall as their first tile),
    a header line over each column, an optional small label under each row's first tile; JPEG."""
    gap, head, lab = 4, 22, 16 if row_labels else 0
    f_head, f_lab = font(14), font(11)
    tiles = [[cv2.resize(t, (tile_w, round(t.shape[0] * tile_w / t.shape[1])), interpolation=cv2.INTER_AREA) for t in r] for r in rows]
    heights = [r[0].shape[0] for r in tiles]
    ncol = max(len(r) for r in tiles)
    W = ncol * (tile_w + gap) - gap
    H = head + sum(h + lab + gap for h in heights) - gap
    canvas = Image.new("RGB", (W, H), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for j, text in enumerate(headers):
        draw.text((j * (tile_w + gap) + 3, 4), text, fill=(0, 0, 0), font=f_head)
    y = head
    for i, r in enumerate(tiles):
        for j, t in enumerate(r):
            canvas.paste(Image.fromarray(np.clip(np.round(t[:heights[i]] * 255), 0, 255).astype(np.uint8)), (j * (tile_w + gap), y))
        if row_labels:
            draw.text((3, y + heights[i] + 1), row_labels[i], fill=(80, 80, 80), font=f_lab)
        y += heights[i] + lab + gap
    out.parent.mkdir(parents=True, exist_ok=True)
    while True:
        canvas.save(out, quality=quality, optimize=True)
        if out.stat().st_size <= max_kb * 1024 or quality <= 60:
            break
        quality -= 5
    print(f"{common.rel(out)}: {W}x{H}, {out.stat().st_size // 1024} KB, JPEG quality {quality}")


# --- the three pictures -----------------------------------------------------------------------------

def light(spec: dict) -> dict:
    return {"softness": 0.3, "intensity": 1.0, "colour": [1.0, 1.0, 1.0], **spec}


def job(id_: str, task: str, inp: Path, mask: Path, out: Path, model: str | None, **extra) -> dict:
    return {"id": id_, "task": task, "input": str(inp), "mask": str(mask), "output": str(out), "seed": SEED,
            **({"model": model} if model else {}), **extra}


def prepare_composites(rows, work: Path, name: str) -> list[tuple[Path, Path, np.ndarray]]:
    out = []
    for i, (cut, bg, share, centre, bottom) in enumerate(rows):
        rgb, alpha = composite(cut, bg, share, centre, bottom)
        img, mask = work / f"{name}-{i}.png", work / f"{name}-{i}-mask.png"
        common.write_rgb(img, rgb)
        Image.fromarray(np.clip(np.round(alpha * 255), 0, 255).astype(np.uint8)).save(mask)
        out.append((img, mask, rgb))
    return out


def make_shadow(args) -> None:
    work = args.work / "shadow"
    inputs = prepare_composites(SHADOW_ROWS, work, "composite")
    jobs = [job(f"{i}-{j}", "shadow", img, mask, work / f"out-{i}-{j}.png", args.shadow_model, light=light(spec))
            for i, (img, mask, _) in enumerate(inputs) for j, (_, spec) in enumerate(SHADOW_LIGHTS)]
    results, _ = common.run_engine(jobs, work, args.device)
    n = len(SHADOW_LIGHTS)
    rows = [[rgb] + [common.read_rgb(Path(r["output"])) for r in results[i * n:(i + 1) * n]] for i, (_, _, rgb) in enumerate(inputs)]
    heads = ["composite"] + [f"light {j + 1}: az {s['azimuth']}°, el {s['elevation']}°, soft {s['softness']}"
                             for j, (_, s) in enumerate(SHADOW_LIGHTS)]
    labels = [f"{Path(c).stem} on {Path(b).stem}" for c, b, *_ in SHADOW_ROWS]
    sheet(rows, heads, args.out / "shadow.jpg", args.tile, labels)
    print(f"  (model {results[0]['model']})")


def make_remove(args) -> None:
    work = args.work / "remove"
    work.mkdir(parents=True, exist_ok=True)
    inputs = []
    for pid, point in REMOVE_ROWS:
        rgb = load_photo(BSDS / f"{pid}.jpg")
        mask = bsds_object_mask(pid, point, rgb.shape[:2])
        img, mpath = work / f"{pid}.png", work / f"{pid}-mask.png"
        common.write_rgb(img, rgb)
        Image.fromarray((mask * 255).astype(np.uint8)).save(mpath)
        inputs.append((pid, img, mpath, rgb, mask))
    jobs = [job(pid, "remove", img, mpath, work / f"out-{pid}.png", args.remove_model) for pid, img, mpath, _, _ in inputs]
    results, _ = common.run_engine(jobs, work, args.device)
    rows = []
    for (pid, img, _, rgb, mask), r in zip(inputs, results):
        bgr = cv2.imread(str(img))
        telea = cv2.inpaint(bgr, (mask > 0.5).astype(np.uint8) * 255, 5, cv2.INPAINT_TELEA)
        rows.append([tint(rgb, mask), common.read_rgb(Path(r["output"])), cv2.cvtColor(telea, cv2.COLOR_BGR2RGB).astype(np.float32) / 255])
    sheet(rows, ["photo and mask", f"{results[0]['model']}", "OpenCV Telea (radius 5)"], args.out / "remove.jpg", args.tile,
          [f"BSDS test {pid}" for pid, _ in REMOVE_ROWS])


def make_relight(args) -> None:
    work = args.work / "relight"
    inputs = prepare_composites(RELIGHT_ROWS, work, "composite")
    jobs = []
    for i, (img, mask, _) in enumerate(inputs):
        jobs.append(job(f"{i}-bg", "relight", img, mask, work / f"out-{i}-bg.png", args.relight_model, lights=[]))
        jobs.append(job(f"{i}-light", "relight", img, mask, work / f"out-{i}-light.png", args.relight_model,
                        lights=[light(RELIGHT_LIGHT[1])]))
    results, _ = common.run_engine(jobs, work, args.device)
    rows = [[rgb, common.read_rgb(Path(results[2 * i]["output"])), common.read_rgb(Path(results[2 * i + 1]["output"]))]
            for i, (_, _, rgb) in enumerate(inputs)]
    labels = [f"{Path(c).stem} on {Path(b).stem}" for c, b, *_ in RELIGHT_ROWS]
    sheet(rows, ["composite", "relit, no light (background decides)", RELIGHT_LIGHT[0]], args.out / "relight.jpg", args.tile, labels)
    print(f"  (model {results[0]['model']})")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", nargs="*", choices=["shadow", "remove", "relight"], default=["shadow", "remove", "relight"])
    p.add_argument("--out", type=Path, default=common.REPO / "docs" / "examples")
    p.add_argument("--work", type=Path, default=common.REPO / ".cache" / "eval" / "sheets")
    p.add_argument("--shadow-model", default=None)
    p.add_argument("--remove-model", default=None)
    p.add_argument("--relight-model", default=None)
    p.add_argument("--tile", type=int, default=None, help="tile width in px (default: 320 for 4 columns, 400 for 3)")
    p.add_argument("--device", choices=["auto", "cpu", "gpu"], default="auto")
    args = p.parse_args(argv)
    tile = args.tile
    for name in args.only:
        args.tile = tile or (320 if name == "shadow" else 400)
        {"shadow": make_shadow, "remove": make_remove, "relight": make_relight}[name](args)


if __name__ == "__main__":
    main()
