"""The shadow projection conditioning (lbm/projection.py). Defined once here and re-implemented in
the app (src/main/engine/projection.ts): tests/fixtures/golden/shadow-projection.json, written by
`/usr/bin/python3 training/tests/test_projection.py`, holds the cases both must reproduce."""
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lbm.golden import tensor_json  # noqa: E402
from lbm.light import Light  # noqa: E402
from lbm.projection import project_shadow  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "golden" / "shadow-projection.json"
SWEEP = 0.5
LIGHTS = [Light(0, 30, 0.0, 1.0), Light(90, 45, 0.5, 1.0), Light(215, 12, 1.0, 1.0), Light(270, 80, 0.3, 1.0), Light(180, 5, 0.0, 1.0)]


def a_mask() -> np.ndarray:
    """Odd sides (23 x 31), a soft-edged subject (a post and a wider base) off centre."""
    y, x = np.mgrid[0:23, 0:31]
    post = np.clip(2.5 - np.abs(x - 11.3), 0, 1) * (y >= 4) * (y <= 17)
    base = np.clip(1.5 - np.abs(y - 16.6), 0, 1) * (np.abs(x - 11) <= 5)
    return np.maximum(post, base).astype(np.float32)


def fixture_cases() -> dict:
    mask = a_mask()
    return {"mask": tensor_json(mask[None, None]), "lights": [l.to_json() for l in LIGHTS],
            "projections": [tensor_json(project_shadow(mask, l)[None, None]) for l in LIGHTS],
            "sweep": SWEEP, "sweptProjections": [tensor_json(project_shadow(mask, l, SWEEP)[None, None]) for l in LIGHTS]}


def test_fixture_is_current():
    want, got = fixture_cases(), json.loads(FIXTURE.read_text())
    assert got["mask"] == want["mask"] and got["lights"] == want["lights"] and got["sweep"] == want["sweep"]
    for key in ("projections", "sweptProjections"):
        for g, w in zip(got[key], want[key], strict=True):
            assert np.allclose(g["data"], w["data"], atol=1e-6)


def test_a_swept_cut_out_casts_its_footprint_under_a_high_light():
    mask = np.zeros((40, 40), np.float32)  # a table: a top on two legs
    mask[10:16, 10:30] = 1
    mask[16:30, 10:12] = mask[16:30, 28:30] = 1
    light = Light(90, 85, 0.0, 1.0)
    flat, swept = project_shadow(mask, light), project_shadow(mask, light, 0.5)
    outside = mask < 0.5
    assert (swept[outside] > 0.3).sum() > (flat[outside] > 0.3).sum()
    assert np.all(swept >= flat - 1e-6)  # the flat cut-out's shadow is the sweep's first step
    rows = np.nonzero((swept > 0.3).any(axis=1))[0]
    assert rows.min() < 25  # between the legs, up behind the foot (row 29): about 5 rows deep


def test_the_shadow_falls_away_from_the_light():
    mask = np.zeros((40, 40), np.float32)
    mask[10:30, 18:22] = 1
    cols = lambda p: np.nonzero((p > 0.3).any(axis=0))[0]
    rows = lambda p: np.nonzero((p > 0.3).any(axis=1))[0]
    assert cols(project_shadow(mask, Light(0, 40, 0.0, 1.0))).min() < 10          # from the right: falls left
    assert cols(project_shadow(mask, Light(180, 40, 0.0, 1.0))).max() > 30         # from the left: falls right
    assert rows(project_shadow(mask, Light(90, 40, 0.0, 1.0))).max() > 34          # from behind: toward the camera
    short = project_shadow(mask, Light(90, 75, 0.0, 1.0))
    assert rows(short).max() < rows(project_shadow(mask, Light(90, 30, 0.0, 1.0))).max()  # a high light: shorter


def test_softness_blurs_and_nothing_without_a_light_or_a_selection():
    mask = np.zeros((40, 40), np.float32)
    mask[10:30, 18:22] = 1
    hard, soft = (project_shadow(mask, Light(90, 40, s, 1.0)) for s in (0.0, 1.0))
    assert soft.max() < hard.max() and (soft > 0.01).sum() > (hard > 0.01).sum()
    assert not project_shadow(mask, None).any()
    assert not project_shadow(np.zeros((40, 40), np.float32), Light(90, 40, 0.0, 1.0)).any()


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(fixture_cases()) + "\n")
    print(f"wrote {FIXTURE}")
