"""The learning-rate schedule of every training loop (lbm/loop.py)."""
import pytest

from lbm.loop import RunControl


def test_cosine_from_lr_to_lr_min():
    ctl = RunControl({"lr": 1e-3, "lr_min": 1e-5, "max_steps": 100})
    assert ctl.lr(0) == pytest.approx(1e-3) and ctl.lr(50) == pytest.approx(0.505e-3) and ctl.lr(100) == pytest.approx(1e-5)


def test_warmup_ramps_linearly_then_follows_the_cosine():
    plain = RunControl({"lr": 1e-3, "lr_min": 1e-5, "max_steps": 100})
    warm = RunControl({"lr": 1e-3, "lr_min": 1e-5, "max_steps": 100, "warmup": 10})
    assert warm.lr(0) == pytest.approx(plain.lr(0) / 10) and warm.lr(4) == pytest.approx(plain.lr(4) / 2)
    assert all(warm.lr(s) == plain.lr(s) for s in range(9, 101))
