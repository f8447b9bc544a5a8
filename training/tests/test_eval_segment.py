"""eval_segment.py: the metrics on masks with known answers, the seeded composites, and a 2-case
end-to-end run through the engine (skipped without renders, node_modules or the model)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from eval import common, eval_segment as es  # noqa: E402


def square(n: int, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
    m = np.zeros((n, n), bool)
    m[y0:y1, x0:x1] = True
    return m


def test_iou_known_answers():
    a, b = square(20, 0, 10, 0, 10), square(20, 0, 10, 5, 15)
    assert es.iou(a, a) == 1.0
    assert es.iou(a, b) == pytest.approx(50 / 150)
    assert es.iou(a, ~a) == 0.0
    assert es.iou(np.zeros((4, 4), bool), np.zeros((4, 4), bool)) == 1.0


def test_boundary_is_the_inner_outline_and_not_the_frame():
    b = es.boundary(square(10, 2, 6, 2, 6))
    assert b.sum() == 12 and not b[3:5, 3:5].any()
    assert not es.boundary(np.ones((8, 8), bool)).any()  # the image frame is no boundary
    assert es.boundary(square(10, 0, 10, 0, 5)).sum() == 10  # one column, where it meets the background


def test_boundary_f_known_answers():
    a = square(40, 10, 30, 10, 30)
    assert es.boundary_f(a, a, 0.5) == 1.0
    shifted = square(40, 12, 32, 10, 30)  # 2 px down: every boundary pixel within 2 px of the other's
    assert es.boundary_f(shifted, a, 2.0) == 1.0
    assert es.boundary_f(shifted, a, 1.0) < 1.0
    far = square(40, 0, 4, 0, 4)
    assert es.boundary_f(far, a, 2.0) == 0.0
    empty = np.zeros_like(a)
    assert es.boundary_f(empty, a, 2.0) == 0.0 and es.boundary_f(empty, empty, 2.0) == 1.0


def test_mask_metrics_thresholds_the_soft_mask_at_half():
    truth = square(32, 8, 24, 8, 24)
    soft = truth * 0.6 + (~truth) * 0.4
    m = es.mask_metrics(soft.astype(np.float32), truth, 0.01)
    assert m["iou"] == 1.0 and m["bf"] == 1.0
    assert es.tolerance((300, 400), 0.01) == pytest.approx(5.0)


def test_grabcut_finds_a_plain_subject():
    rgb = np.full((64, 64, 3), 0.2, np.float32)
    truth = square(64, 18, 46, 18, 46)
    rgb[truth] = (0.9, 0.7, 0.1)
    rgb += np.random.default_rng(0).normal(0, 0.02, rgb.shape).astype(np.float32)
    assert es.iou(es.grabcut(rgb) >= 0.5, truth) > 0.9


def have_composite_inputs() -> bool:
    return bool(es.held_out_photos()) and bool(es.held_out_cutouts())


@pytest.mark.skipif(not have_composite_inputs(), reason="held-out photos or Tux Paint cut-outs missing")
def test_composites_are_seeded_and_match_their_truth():
    a, alpha, params = es.make_composite(3, 0)
    b, _, params_b = es.make_composite(3, 0)
    assert np.array_equal(a, b) and params == params_b
    assert max(a.shape[:2]) == es.COMPOSITE_SIDE and alpha.shape == a.shape[:2]
    assert 0.02 < (alpha > 0.5).mean() < 0.6  # 5-50% of the area, less where the cut-out hit the frame
    assert not np.array_equal(a, es.make_composite(4, 0)[0])


def test_end_to_end_two_cases(tmp_path):
    renders = common.REPO / ".cache" / "renders"
    if not common.held_out_scenes(renders, 1, ("shadow.png", "noshadow.png", "mask.png", "meta.json")):
        pytest.skip("no held-out renders in .cache/renders")
    if not (common.REPO / "node_modules" / "tsx").is_dir() or not shutil.which("node"):
        pytest.skip("node or node_modules missing")
    if not (common.REPO / "models" / "lbm-segment" / "model.json").is_file():
        pytest.skip("models/lbm-segment missing")
    out = tmp_path / "segment.md"
    data = es.main(["--limit", "2", "--composites", "2", "--out", str(out), "--work", str(tmp_path / "work"),
                    "--device", "cpu", "--quiet", "--sheet-rows", "2"])
    assert out.is_file() and json.loads(out.with_suffix(".json").read_text())["task"] == "segment"
    for name in ("renders", "renders_noshadow", "composites"):
        s = data["summary"][name]
        assert s["n"] == 2
        for method in es.METHODS:
            assert 0.0 <= s[method]["iou"] <= 1.0 and 0.0 <= s[method]["bf"] <= 1.0
    assert {"renders_iou_minus_target", "composites_iou_minus_grabcut"} <= set(data["margins"])
    assert (tmp_path / "segment-sheet-composites.png").is_file()


def test_validation_split_draws_on_what_training_validates_on(tmp_path):
    """--split validation: the train-split scenes training keeps out (ids a multiple of 10) and
    composites of the pack's every 20th cut-out on its every 25th photo; no test scene."""
    from argparse import Namespace
    from PIL import Image
    pack = tmp_path / "pack"
    (pack / "photos").mkdir(parents=True)
    (pack / "cutouts").mkdir()
    for i in range(30):
        Image.fromarray(np.full((256, 384, 3), i * 8, np.uint8)).save(pack / "photos" / f"{i:04d}.webp")
    for i in range(40):
        cut = np.zeros((64, 48, 4), np.uint8)
        cut[8:56, 8:40] = (200, 40, 40, 255)
        Image.fromarray(cut).save(pack / "cutouts" / f"{i:04d}.webp", lossless=True)
    for sid, split in ((10, "train"), (11, "train"), (20, "test")):
        d = tmp_path / "renders" / "scenes" / f"{sid:06d}"
        d.mkdir(parents=True)
        for f in ("shadow.png", "noshadow.png", "mask.png"):
            Image.fromarray(square(32, 8, 24, 8, 24).astype(np.uint8) * 255).save(d / f)
        (d / "meta.json").write_text(json.dumps({"scene_id": sid, "split": split}))
    args = Namespace(renders=tmp_path / "renders", limit=None, split="validation", pack=pack, composites=8, seed=0,
                     work=tmp_path / "work")
    sets = es.cases(args)
    assert [c["id"] for c in sets["renders"]] == [c["id"] for c in sets["renders_noshadow"]] == ["000010"]
    assert len(sets["composites"]) == 8
    assert {Path(c["params"]["cutout"]).name for c in sets["composites"]} <= {"0000.webp", "0020.webp"}
    assert {Path(c["params"]["photo"]).name for c in sets["composites"]} <= {"0000.webp", "0025.webp"}
    assert all(c["truth"].any() for c in sets["composites"])
