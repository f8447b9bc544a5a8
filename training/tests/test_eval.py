"""The task-model evaluations (training/eval/): metrics on synthetic cases, one end-to-end run of
the relight script through the app's engine on a synthetic render cache, and both scripts on two
real held-out renders with the tiny random-weight models. The engine runs need `node` and the
repository's node_modules; the real-render test needs .cache/renders (CI has none): each is
skipped without what it needs."""
import argparse
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from eval import common, eval_relight, eval_shadow

RENDERS = common.REPO / ".cache" / "renders"
HAS_ENGINE = shutil.which("node") is not None and (common.REPO / "node_modules" / "tsx").is_dir()
needs_engine = pytest.mark.skipif(not HAS_ENGINE, reason="needs node and the repository's node_modules (npm install)")


def _finite_numbers(x, where="") -> list[str]:
    """Paths of the numbers in a JSON value that are not finite (null counts as not finite)."""
    if x is None:
        return [where]
    if isinstance(x, float):
        return [] if math.isfinite(x) else [where]
    if isinstance(x, dict):
        return [p for k, v in x.items() for p in _finite_numbers(v, f"{where}.{k}")]
    if isinstance(x, list):
        return [p for i, v in enumerate(x) for p in _finite_numbers(v, f"{where}[{i}]")]
    return []


def _scene_images(size=64):
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    ground = np.stack([0.3 + 0.4 * x, 0.5 + 0.2 * y, 0.6 - 0.3 * x], axis=2)
    mask = np.zeros((size, size), np.float32)
    mask[20:44, 26:38] = 1
    return ground, mask


# --- metrics, no engine -------------------------------------------------------------------------

def test_shadow_metrics_perfect_and_none():
    ground, mask = _scene_images()
    target = ground.copy()
    target[46:56, 10:30] *= 0.5  # a cast shadow left of the subject's foot
    perfect = eval_shadow.shadow_metrics(ground, target, target, mask)
    assert perfect["iou"] == 1 and perfect["rmse"] == 0 and perfect["zncc"] == pytest.approx(1)
    none = eval_shadow.shadow_metrics(ground, ground, target, mask)
    assert none["iou"] == 0 and none["zncc"] == 0 and none["rmse"] > 5
    half = ground.copy()
    half[46:56, 10:20] *= 0.5
    assert eval_shadow.shadow_metrics(ground, half, target, mask)["iou"] == pytest.approx(0.5)


@pytest.mark.parametrize("azimuth,side", [(0, "left"), (180, "right"), (90, "below"), (270, "above")])
def test_geometric_baseline_follows_the_light_convention(azimuth, side):
    ground, mask = _scene_images()
    out = eval_shadow.geometric_shadow(ground, mask, {"azimuth": azimuth, "elevation": 40, "softness": 0.0})
    dark = (common.luminance(ground) - common.luminance(out)) > 0.02
    ys, xs = np.nonzero(dark & (mask == 0))
    assert len(xs) > 20
    cx, cy = xs.mean(), ys.mean()
    expect = {"left": cx < 26, "right": cx > 38, "below": cy > 44, "above": cy < 43}
    assert expect[side], (azimuth, cx, cy)
    assert np.array_equal(out[mask == 1], ground[mask == 1])  # the subject is untouched


def test_the_swept_baseline_adds_a_footprint_to_the_flat_one():
    ground, mask = _scene_images()
    light = {"azimuth": 90, "elevation": 80, "softness": 0.0}  # high, from behind: the flat shadow is a sliver
    dark = lambda out: ((common.luminance(ground) - common.luminance(out)) > 0.02) & (mask == 0)
    flat, swept = (dark(eval_shadow.geometric_shadow(ground, mask, light, sweep=s)) for s in (0.0, 0.5))
    assert swept.sum() > flat.sum() and not (flat & ~swept).any()


def test_relight_metrics_and_lab_transfer():
    ground, mask = _scene_images()
    assert eval_relight.relight_metrics(ground, ground, mask) == {"fmse": 0.0, "fpsnr": eval_relight.PSNR_CAP}
    shifted = np.clip(ground + (mask[..., None] * 10 / 255), 0, 1)
    assert eval_relight.relight_metrics(shifted, ground, mask)["fmse"] == pytest.approx(100, rel=1e-3)
    subject = np.where(mask[..., None] > 0, np.float32([0.9, 0.1, 0.1]), ground)
    moved = eval_relight.lab_transfer(subject, mask)
    assert np.array_equal(moved[mask == 0], subject[mask == 0])
    fg = mask == 1
    assert abs(moved[fg].mean(0) - ground[~fg].mean(0)).max() < abs(subject[fg].mean(0) - ground[~fg].mean(0)).max()


# --- through the engine -----------------------------------------------------------------------

def _write_scene(root: Path, sid: str, split: str, subject: np.ndarray, relit: np.ndarray, mask: np.ndarray):
    d = root / "scenes" / sid
    d.mkdir(parents=True)
    for name, img in (("shadow", subject), ("noshadow", subject), ("relit", relit), ("empty", relit)):
        common.write_rgb(d / f"{name}.png", img)
    Image.fromarray((mask * 255).astype(np.uint8)).save(d / "mask.png")
    light = {"azimuth": 30.0, "elevation": 45.0, "softness": 0.3, "intensity": 1.0, "colour": [1.0, 0.9, 0.8]}
    (d / "meta.json").write_text(json.dumps({"split": split, "light": light, "light2": {**light, "azimuth": 200.0}, "camera": {"pitch_deg": 20.0}}))


def test_shadow_cases_take_the_second_pair_where_rendered(tmp_path):
    ground, mask = _scene_images()
    _write_scene(tmp_path / "renders", "000001", "test", ground, ground, mask)
    _write_scene(tmp_path / "renders", "000002", "test", ground, ground, mask)
    common.write_rgb(tmp_path / "renders" / "scenes" / "000002" / "noshadow2.png", ground)
    scenes = common.held_out_scenes(tmp_path / "renders")
    cases = eval_shadow.shadow_cases(scenes)
    assert [(c["id"], c["pair"], c["source"].name, c["target"].name, c["light"]["azimuth"]) for c in cases] == [
        ("000001", 1, "noshadow.png", "shadow.png", 30.0), ("000002", 1, "noshadow.png", "shadow.png", 30.0),
        ("000002-2", 2, "noshadow2.png", "relit.png", 200.0)]
    assert [c["id"] for c in eval_shadow.shadow_cases(scenes, second=False)] == ["000001", "000002"]


@needs_engine
def test_relight_composite_equal_to_target_scores_zero(tmp_path):
    ground, mask = _scene_images()
    _write_scene(tmp_path / "renders", "000001", "test", ground, ground, mask)  # subject already lit as the target
    _write_scene(tmp_path / "renders", "000002", "train", ground * 0.5, ground, mask)  # never evaluated
    data = eval_relight.main(["--model", "tiny-relight", "--renders", str(tmp_path / "renders"), "--out", str(tmp_path / "r.md"),
                              "--work", str(tmp_path / "work"), "--quiet"])
    assert data["scenes"] == 1
    s = data["summary"]["all"]
    assert s["composite"]["fmse"] == 0 and s["composite"]["fpsnr"] == eval_relight.PSNR_CAP
    assert s["model_light"]["fmse"] > 0  # random weights change the subject
    assert (tmp_path / "work" / "000001" / "model-light.png").is_file()
    assert not _finite_numbers(json.loads((tmp_path / "r.json").read_text())["summary"]["all"])


@needs_engine
def test_relight_validation_split_runs_the_scenes_training_keeps_out(tmp_path):
    ground, mask = _scene_images()
    for sid, split in (("000010", "train"), ("000011", "train"), ("000012", "test")):
        _write_scene(tmp_path / "renders", sid, split, ground * 0.8, ground, mask)
    data = eval_relight.main(["--model", "tiny-relight", "--renders", str(tmp_path / "renders"), "--split", "validation",
                              "--out", str(tmp_path / "r.md"), "--work", str(tmp_path / "work"), "--quiet"])
    assert [r["scene"] for r in data["per_scene"]] == ["000010"] and data["split"] == "validation"
    assert "validation renders" in (tmp_path / "r.md").read_text()


def _test_scenes(n):
    return len(common.held_out_scenes(RENDERS, n, ("shadow.png", "noshadow.png", "relit.png", "mask.png"))) >= n


@needs_engine
@pytest.mark.skipif(not _test_scenes(2), reason="needs two held-out scenes in .cache/renders (training/render/generate.py)")
@pytest.mark.parametrize("script,model", [(eval_shadow, "tiny-shadow"), (eval_relight, "tiny-relight")])
def test_scripts_on_two_held_out_renders(tmp_path, script, model):
    script.main(["--model", model, "--limit", "2", "--out", str(tmp_path / "e.md"), "--work", str(tmp_path / "work"), "--quiet"])
    data = json.loads((tmp_path / "e.json").read_text())
    assert data["scenes"] == 2 and data["model"] == model
    assert not _finite_numbers(data["summary"]["all"])
    assert not _finite_numbers([r["metrics"] for r in data["per_scene"]])
    assert "| method |" in (tmp_path / "e.md").read_text()


def test_validation_split_takes_the_train_scenes_training_keeps_out(tmp_path):
    ground, mask = _scene_images()
    for sid, split in (("000010", "train"), ("000011", "train"), ("000012", "test"), ("000020", "train")):
        _write_scene(tmp_path / "renders", sid, split, ground, ground, mask)
    ids = lambda split: [s.id for s in common.held_out_scenes(tmp_path / "renders", split=split)]
    assert ids("test") == ["000012"]
    assert ids("validation") == ["000010", "000020"]  # every tenth train-split scene, as lbm/data.is_validation_scene
    with pytest.raises(ValueError, match="split"):
        common.held_out_scenes(tmp_path / "renders", split="train")


def test_upscale_round_trip_keeps_no_change_and_a_flat_darkening(tmp_path):
    ground, mask = _scene_images()
    _write_scene(tmp_path / "renders", "000001", "test", ground, ground, mask)
    scene = common.held_out_scenes(tmp_path / "renders")[0]
    source = common.read_rgb(scene.path("noshadow.png"))
    big, big_mask = common.upscaled(scene.path("noshadow.png"), scene.path("mask.png"), tmp_path / "up", 96)
    h, w = mask.shape
    assert Image.open(big).size == (round(w * 96 / max(h, w)), round(h * 96 / max(h, w))) == Image.open(big_mask).size
    up = common.read_rgb(Path(big))
    # An engine that changes nothing gives the source back exactly; a flat darkening comes back as it is.
    assert np.array_equal(common.downscaled_change(up, tmp_path / "up", source), source)
    dark = common.downscaled_change(up - 0.1, tmp_path / "up", source)
    assert np.allclose(dark, np.clip(source - 0.1, 0, 1), atol=1e-5)


def test_subject_crop_centres_the_subject_and_stays_in_the_frame(tmp_path):
    ground, mask = _scene_images()  # the subject's box: rows 20..43, columns 26..37
    _write_scene(tmp_path / "renders", "000001", "test", ground, ground * 0.9, mask)
    case = eval_shadow.shadow_cases(common.held_out_scenes(tmp_path / "renders"))[0]
    case["target"] = case["scene"].path("relit.png")  # a target that differs from the source
    crop = eval_shadow.subject_crop(case, (32, 32), tmp_path / "c")
    m, src, tgt = common.read_mask(crop["mask"]), common.read_rgb(crop["source"]), common.read_rgb(crop["target"])
    assert m.shape == src.shape[:2] == tgt.shape[:2] == (32, 32)
    # Centred: rows 16..47 and columns 16..47 of the render; the subject's box sits in the middle.
    assert np.array_equal(m, mask[16:48, 16:48]) and np.allclose(src, ground[16:48, 16:48], atol=1 / 255)
    assert np.allclose(tgt, ground[16:48, 16:48] * 0.9, atol=1 / 255)
    # A subject at the frame's edge: the square moves inside the frame instead of leaving it.
    edge = np.zeros_like(mask)
    edge[50:64, 0:8] = 1
    _write_scene(tmp_path / "edge", "000002", "test", ground, ground, edge)
    case = eval_shadow.shadow_cases(common.held_out_scenes(tmp_path / "edge"))[0]
    assert np.array_equal(common.read_mask(eval_shadow.subject_crop(case, (32, 32), tmp_path / "e")["mask"]), edge[32:64, 0:32])
    # A window of a photo's shape: 48 wide, 32 high.
    assert np.array_equal(common.read_mask(eval_shadow.subject_crop(case, (48, 32), tmp_path / "w")["mask"]), edge[32:64, 0:48])
    assert eval_shadow.crop_size("160") == (160, 160) and eval_shadow.crop_size("256x170") == (256, 170)
    for bad in ("abc", "0x10", "10x"):
        with pytest.raises(argparse.ArgumentTypeError):
            eval_shadow.crop_size(bad)
    with pytest.raises(SystemExit):
        eval_shadow.subject_crop(case, (65, 32), tmp_path / "big")


@needs_engine
def test_shadow_upscale_runs_the_engine_on_the_large_inputs(tmp_path):
    ground, mask = _scene_images()
    _write_scene(tmp_path / "renders", "000001", "test", ground, ground * 0.9, mask)
    data = eval_shadow.main(["--model", "tiny-shadow", "--renders", str(tmp_path / "renders"), "--out", str(tmp_path / "s.md"),
                             "--work", str(tmp_path / "work"), "--upscale", "128", "--quiet"])
    assert data["scenes"] == 1
    out = Image.open(tmp_path / "work" / "000001" / "model.png")
    assert out.size == Image.open(tmp_path / "work" / "000001" / "source-up.png").size != Image.open(tmp_path / "renders" / "scenes" / "000001" / "noshadow.png").size
    assert "upscaled to 128 px" in (tmp_path / "s.md").read_text()
