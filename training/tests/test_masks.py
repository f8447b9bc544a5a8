"""Object-shaped masks: coverage within bounds for every source, held-out files never in training."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lbm.masks import MaskSource, bsds_segments, cutout_files  # noqa: E402


def test_strokes_cover_the_asked_share():
    src = MaskSource(96, 128)
    rng = np.random.default_rng(0)
    for _ in range(10):
        m = src.strokes(rng)
        assert m.shape == (96, 128) and set(np.unique(m)) <= {0.0, 1.0}
        assert 0.03 <= m.mean() <= 0.6  # the last stroke may overshoot the drawn target a little


@pytest.mark.skipif(not bsds_segments("train"), reason="BSDS500 segmentations not available")
def test_bsds_segments_are_object_shaped():
    src = MaskSource(96, 128)
    rng = np.random.default_rng(1)
    masks = [src.bsds(f, rng) for f in bsds_segments("train")[:8]]
    got = [m for m in masks if m is not None]
    assert got and all(0.03 <= m.mean() <= 0.40 for m in got)


@pytest.mark.skipif(not cutout_files("train"), reason="Tux Paint stamps not installed")
def test_cutouts_split_and_cover():
    train, test = set(cutout_files("train")), set(cutout_files("test"))
    assert train and test and not train & test
    src = MaskSource(128, 128)
    rng = np.random.default_rng(2)
    got = [m for f in sorted(train)[:10] if (m := src.cutout(f, rng)) is not None]
    assert got and all(0.03 <= m.mean() <= 0.40 for m in got)
    assert src.any(rng).shape == (128, 128)
