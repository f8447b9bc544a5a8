"""Smoke tests of the Blender scene generator (training/render/).

The sampling/convention tests are plain Python; the render test needs `blender` on PATH and the
sweethome3d-furniture package, and is skipped without them (CI has neither).
"""
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RENDER = Path(__file__).resolve().parent.parent / "render"
sys.path.insert(0, str(RENDER))
import common  # noqa: E402

FILES = ["shadow.png", "noshadow.png", "mask.png", "empty.png", "relit.png"]
LIGHT_KEYS = {"azimuth", "elevation", "softness", "intensity", "colour", "blender"}


def test_light_direction_convention():
    # camera at yaw 0 sits on +x looking toward -x; its right is +y, "behind the subject" is -x
    d0 = common.light_direction(0, 0, 0.0)
    d90 = common.light_direction(90, 0, 0.0)
    d270 = common.light_direction(270, 0, 0.0)
    assert d0 == pytest.approx((0, 1, 0), abs=1e-9)  # from the camera's right
    assert d90 == pytest.approx((-1, 0, 0), abs=1e-9)  # from behind the subject, away from the camera
    assert d270 == pytest.approx((1, 0, 0), abs=1e-9)  # from the camera's side
    assert common.light_direction(0, 90, 1.0)[2] == pytest.approx(1.0)


def test_softness_mapping_monotonic_and_power_compensated():
    sizes = [common.light_size(s) for s in (0, 0.5, 1)]
    assert sizes[0] < 0.1 < sizes[1] < sizes[2]
    for s in (0, 0.5, 1):  # on-axis irradiance E = P / (pi (D^2 + a^2)) stays BASE_IRRADIANCE * intensity
        a = common.light_size(s) / 2
        e = common.light_power(1.0, s) / (math.pi * (common.LIGHT_DISTANCE**2 + a**2))
        assert e == pytest.approx(common.BASE_IRRADIANCE)


def test_sampling_is_deterministic_and_split_clean():
    cat = {
        "models": [{"library": "L", "id": f"m{i}", "name": "n", "obj": f"/x/{i}.obj", "category": "c", "creator": "c",
                    "licence": "CC0", "split": common.item_split("model", f"L/m{i}")} for i in range(60)],
        "photos": [{"set": "s", "path": f"p{i}.png", "split": common.item_split("photo", f"p{i}.png")} for i in range(60)],
        "hdris": [{"name": n, "path": n, "split": common.hdri_split(n)} for n in ("city", "courtyard", "sunset", "studio")],
    }
    splits = {m["id"]: m["split"] for m in cat["models"]}
    psplits = {p["path"]: p["split"] for p in cat["photos"]}
    for sid in range(200):
        a = common.sample_scene(cat, 0, sid)
        assert a == common.sample_scene(cat, 0, sid)
        assert splits[a["model"]["id"]] == a["split"]
        if a["ground"]["kind"] == "photo":
            assert psplits[a["ground"]["photo"]] == a["split"]
        if a["world"]["kind"] == "hdri":
            assert common.hdri_split(a["world"]["hdri"]) == a["split"]
        for k in ("light", "light2", "light3"):
            assert 0 <= a[k]["azimuth"] < 360 and 5 <= a[k]["elevation"] <= 90 and 0 <= a[k]["softness"] <= 1
    n_test = sum(common.scene_split(0, i) == "test" for i in range(1000))
    assert 50 < n_test < 150


def test_split_validation_is_the_validation_part_of_train():
    import generate
    from lbm.data import is_validation_scene
    ids = range(400)
    val = [i for i in ids if generate.wanted_scene("validation", 0, i)]
    train = [i for i in ids if generate.wanted_scene("train", 0, i)]
    test = [i for i in ids if generate.wanted_scene("test", 0, i)]
    assert val == [i for i in train if is_validation_scene(i)] and len(val) > 20
    assert not set(val) & set(test)
    assert all(generate.wanted_scene("all", 0, i) for i in ids)


@pytest.mark.skipif(shutil.which("blender") is None, reason="blender not on PATH")
@pytest.mark.skipif(not Path("/usr/share/sweethome3d/furniture").is_dir(), reason="sweethome3d-furniture missing")
def test_render_one_tiny_scene(tmp_path):
    out = tmp_path / "renders"
    cmd = [sys.executable, str(RENDER / "generate.py"), "--out", str(out), "--count", "1", "--size", "64",
           "--samples", "4", "--batch", "1"]
    subprocess.run(cmd, check=True, timeout=600)  # assets: the shared .cache/render-assets (built once)
    d = out / "scenes" / "000000"
    for f in FILES:
        data = (d / f).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", f
        assert int.from_bytes(data[16:20], "big") == 64 and int.from_bytes(data[20:24], "big") == 64, f
    meta = json.loads((d / "meta.json").read_text())
    for k in ("scene_id", "seed", "split", "model", "camera", "light", "light2", "ground", "world", "render", "files"):
        assert k in meta, k
    assert meta["split"] in ("train", "test")
    assert {"library", "id"} <= set(meta["model"])
    assert LIGHT_KEYS <= set(meta["light"]) and LIGHT_KEYS <= set(meta["light2"])
    assert meta["ground"]["kind"] in ("photo", "plain", "procedural")
    assert meta["render"]["size"] == 64 and meta["render"]["samples"] == 4
    # resumable: a second run renders nothing new
    r = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=600)
    assert "1 of 1 scenes already done" in r.stdout
    # The extra frame: light 2 without the subject's shadow, next to relit.png (light 2, with it).
    before = (d / "meta.json").read_bytes()
    subprocess.run(cmd + ["--extra", "noshadow2"], check=True, timeout=600)
    data = (d / "noshadow2.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 64
    assert (d / "meta.json").read_bytes() == before and not list(d.glob("*.tmp.png"))
    assert "light3" not in meta  # recorded only when its frames are rendered
    # The third light's pair: both frames, and the light in meta.json, everything else kept.
    subprocess.run(cmd + ["--extra", "light3"], check=True, timeout=600)
    for f in ("shadow3.png", "noshadow3.png"):
        assert (d / f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f
    meta3 = json.loads((d / "meta.json").read_text())
    assert meta3 == meta | {"light3": meta3["light3"], "files": meta["files"] + ["shadow3.png", "noshadow3.png"]}
    assert LIGHT_KEYS <= set(meta3["light3"]) and meta3["light3"] != meta["light2"]
