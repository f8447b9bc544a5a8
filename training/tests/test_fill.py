"""The removal source's hole fills (lbm/fill.py). The push-pull fill is defined once here and
re-implemented in the app (src/main/engine/fill.ts): tests/fixtures/golden/fill-pushpull.json,
written by running this file, is the case both must reproduce."""
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lbm.fill import fill_hole, pushpull_fill  # noqa: E402
from lbm.golden import pattern_image, tensor_json  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "golden" / "fill-pushpull.json"


def fixture_case() -> dict:
    """Odd, non-square sides (23 x 37) and a hole that touches the bottom edge."""
    image = pattern_image(23, 37, seed=11)
    hole = torch.zeros(1, 1, 23, 37)
    hole[..., 4:12, 9:30] = 1
    hole[..., 15:, 2:7] = 1
    return {"image": tensor_json(image), "hole": tensor_json(hole), "filled": tensor_json(pushpull_fill(image, hole))}


def test_fixture_is_current():
    want = fixture_case()
    got = json.loads(FIXTURE.read_text())
    assert got["hole"] == want["hole"] and got["image"] == want["image"]
    assert torch.allclose(torch.tensor(got["filled"]["data"]), torch.tensor(want["filled"]["data"]), atol=1e-6)


def test_pushpull_keeps_known_pixels_and_continues_smooth_colour():
    y, x = torch.meshgrid(torch.linspace(-1, 1, 40), torch.linspace(-1, 1, 50), indexing="ij")
    image = torch.stack([x, y, 0.5 * x + 0.2]).unsqueeze(0)  # a plane in every channel
    hole = torch.zeros(1, 1, 40, 50)
    hole[..., 10:25, 15:35] = 1
    out = pushpull_fill(image, hole)
    known = hole[0, 0] < 0.5
    assert torch.equal(out[..., known], image[..., known])
    inside = ~known
    assert (out - image)[..., inside].abs().mean() < 0.1  # a smooth ramp is continued, not flattened to grey
    assert (out[..., inside].amax(-1) <= image.amax((-1, -2)) + 1e-6).all()  # no overshoot: means only


def test_whole_image_hole_and_constant_image():
    ones = torch.ones(2, 1, 9, 7)
    assert torch.equal(pushpull_fill(torch.full((2, 3, 9, 7), 0.3), ones), torch.zeros(2, 3, 9, 7))
    hole = torch.zeros(2, 1, 9, 7)
    hole[0, :, 2:6, 1:5] = 1
    assert torch.allclose(pushpull_fill(torch.full((2, 3, 9, 7), 0.3), hole), torch.full((2, 3, 9, 7), 0.3))


def test_noise_fill_draws_the_whole_range_inside_the_hole_only():
    image = torch.zeros(1, 3, 32, 32)
    hole = torch.zeros(1, 1, 32, 32)
    hole[..., :16, :] = 1
    out = fill_hole("noise", image, hole, torch.Generator().manual_seed(0))
    assert torch.equal(out[..., 16:, :], image[..., 16:, :])
    assert out[..., :16, :].min() < -0.9 and out[..., :16, :].max() > 0.9


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(fixture_case()) + "\n")
    print(f"wrote {FIXTURE}")
