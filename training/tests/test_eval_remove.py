"""The removal evaluation (training/eval/eval_remove.py): its metrics on synthetic cases whose
answer is known, its copy of the engine's paste-back alpha against the engine itself, and one run
on 2 Kodak photos and a synthetic render with the tiny random-weight model (numbers meaningless,
but finite). The engine run needs `node`, the repository's node_modules and the shared photos;
it is skipped without them."""
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from eval import eval_remove as ev

HAS_ENGINE = shutil.which("node") is not None and (ev.ROOT / "node_modules" / "tsx").is_dir()
HAS_PHOTOS = (ev.PHOTOS / "kodak24").is_dir()


def _photo(h=64, w=80, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_psnr_and_ssim_known_answers():
    a = _photo()
    mask = np.zeros(a.shape[:2], np.uint8)
    mask[10:30, 20:50] = 255
    m = ev.image_metrics(a, a, mask)
    assert m["psnr_mask"] == m["psnr_image"] == ev.PSNR_CAP  # output == truth
    assert m["ssim_mask"] == pytest.approx(1) and m["ssim_image"] == pytest.approx(1)
    b = a.astype(int)
    b[mask > 127] += np.where(b[mask > 127] < 255, 1, -1)  # off by one grey level in the mask only
    m = ev.image_metrics(b.astype(np.uint8), a, mask)
    assert m["psnr_mask"] == pytest.approx(20 * math.log10(255), abs=1e-9)  # MSE 1
    assert m["psnr_image"] > m["psnr_mask"] + 5  # the same error diluted over the whole image
    assert m["ssim_mask"] < 1 and m["ssim_image"] > m["ssim_mask"]


def test_shadow_removed_known_answers():
    target = np.full((40, 60, 3), 180, np.uint8)
    source = target.copy()
    source[10:30, 5:15] = 60  # the object (masked)
    source[10:30, 15:40] = 90  # its shadow, outside the mask
    mask = np.zeros((40, 60), np.uint8)
    mask[8:32, 3:17] = 255
    assert ev.shadow_metrics(target, source, target, mask)["removed"] == pytest.approx(1)
    assert ev.shadow_metrics(source, source, target, mask)["removed"] == pytest.approx(0)
    half = source.copy()
    half[10:30, 15:40] = 135  # half the darkening left
    assert ev.shadow_metrics(half, source, target, mask)["removed"] == pytest.approx(0.5, abs=0.01)


def test_baseline_changes_only_the_pasted_region():
    photo = _photo(96, 128, 1)
    mask = np.zeros(photo.shape[:2], np.uint8)
    mask[30:60, 40:90] = 255
    alpha = ev.paste_alpha(mask)
    assert (alpha[mask > 127] > 127).all() and (alpha > 0).sum() > (mask > 127).sum()  # hole covers the mask, rim beyond
    out = ev.baseline(photo, mask, ev.cv2.INPAINT_TELEA, 5)
    assert ((out != photo).any(axis=2) <= (alpha > 0)).all()


def _synthetic_renders(root: Path) -> Path:
    d = root / "scenes" / "000001"
    d.mkdir(parents=True)
    empty = np.full((96, 128, 3), 170, np.uint8)
    shadow = empty.copy()
    shadow[30:70, 30:60] = (40, 60, 200)  # the object
    shadow[60:75, 60:110] = 95  # its cast shadow, outside the object's mask
    mask = np.zeros((96, 128), np.uint8)
    mask[30:70, 30:60] = 255
    Image.fromarray(empty).save(d / "empty.png")
    Image.fromarray(shadow).save(d / "shadow.png")
    Image.fromarray(mask).save(d / "mask.png")
    (d / "meta.json").write_text(json.dumps({"split": "test"}))
    return root


@pytest.mark.skipif(not HAS_ENGINE, reason="needs node and the repository's node_modules (npm install)")
@pytest.mark.skipif(not HAS_PHOTOS, reason=f"needs the shared photos ({ev.PHOTOS})")
def test_end_to_end_with_tiny_model(tmp_path):
    renders = _synthetic_renders(tmp_path / "renders")
    out, work = tmp_path / "remove", tmp_path / "work"
    res = ev.main(["--model", "tiny-remove", "--device", "cpu", "--limit", "2", "--masks-per-photo", "1", "--examples", "2",
                   "--renders", str(renders), "--out", str(out), "--work", str(work)])
    saved = json.loads(Path(f"{out}.json").read_text())
    assert saved["model"] == "tiny-remove" and saved["photos"]["kodak"]["cases"] == 2 and saved["renders"]["scenes"] == 1
    for m in ev.METHODS:
        assert all(math.isfinite(v) for v in saved["photos"]["all"][m].values())
        assert math.isfinite(saved["renders"][m]["removed_pooled"])
    # The baselines cannot reach the shadow outside the mask (at most the feathered rim).
    assert abs(saved["renders"]["telea"]["removed_pooled"]) < 0.2
    assert math.isfinite(res["target"]["margin_db"]) and "In-mask PSNR margin" in Path(f"{out}.md").read_text()
    assert Path(f"{out}-examples.png").exists()
    # The script's copy of the engine's paste-back alpha: outside it the engine only lifts (brightens)
    # what it takes for the object's cast shadow (src/main/engine/shadow-lift.ts).
    for case in saved["cases"][:2]:
        stem = f"kodak-{Path(case['photo']).stem}"
        photo = ev.read_rgb(work / f"{stem}.png")
        model = ev.read_rgb(work / f"{stem}-out0.png")
        alpha = ev.paste_alpha(np.asarray(Image.open(work / f"{stem}-mask0.png")))
        changed = (model != photo).any(axis=2)
        assert changed.sum() > 0.5 * (alpha > 0).sum()
        outside = changed & (alpha == 0)
        if outside.any():
            luma = lambda x: x.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])
            assert luma(model)[outside].mean() > luma(photo)[outside].mean()


def test_validation_split_is_what_training_validates_on(tmp_path):
    """--split validation: the pack's every 25th usable photo (as Pack.remove_val_photos) and the
    train-split scenes with an id that is a multiple of 10; never a test photo or scene."""
    photos = tmp_path / "pack" / "photos"
    photos.mkdir(parents=True)
    for i in range(60):
        side = (200, 150) if i == 3 else (384, 256)  # one too small for a 224 crop: skipped, as training does
        Image.fromarray(_photo(side[1], side[0], i)).save(photos / f"{i:04d}.webp")
    chosen = [p.name for p in ev.common.validation_photos(tmp_path / "pack")]
    usable = [f"{i:04d}.webp" for i in range(60) if i != 3]
    assert chosen == usable[::25] == ["0000.webp", "0026.webp", "0051.webp"]
    assert [p.name for _, p in ev.photo_sets(50, None, "validation", tmp_path / "pack")] == chosen
    if ev.PHOTOS.is_dir():  # --originals: the source files pack.py made 0000, 0026 and 0051 from
        sources = ev.training_photos(ev.PHOTOS)
        originals = [p for _, p in ev.photo_sets(50, None, "validation", tmp_path / "pack", originals=True)]
        assert originals == [sources[0], sources[26], sources[51]] and all(p.is_file() for p in originals)
    scenes = tmp_path / "renders" / "scenes"
    for sid, split in ((10, "train"), (11, "train"), (20, "test"), (30, "train")):
        d = scenes / f"{sid:06d}"
        d.mkdir(parents=True)
        (d / "meta.json").write_text(json.dumps({"scene_id": sid, "split": split}))
        for f in ("shadow.png", "empty.png", "mask.png"):
            (d / f).write_bytes(b"")
    assert [d.name for d in ev.render_scenes(tmp_path / "renders", "validation")] == ["000010", "000030"]
    assert [d.name for d in ev.render_scenes(tmp_path / "renders", "test")] == ["000020"]
