"""The learning-rate schedule of every training loop and its weight average (lbm/loop.py)."""
import pytest
import torch

from lbm import checkpoint
from lbm.loop import RunControl, WeightAverage


def test_cosine_from_lr_to_lr_min():
    ctl = RunControl({"lr": 1e-3, "lr_min": 1e-5, "max_steps": 100})
    assert ctl.lr(0) == pytest.approx(1e-3) and ctl.lr(50) == pytest.approx(0.505e-3) and ctl.lr(100) == pytest.approx(1e-5)


def test_warmup_ramps_linearly_then_follows_the_cosine():
    plain = RunControl({"lr": 1e-3, "lr_min": 1e-5, "max_steps": 100})
    warm = RunControl({"lr": 1e-3, "lr_min": 1e-5, "max_steps": 100, "warmup": 10})
    assert warm.lr(0) == pytest.approx(plain.lr(0) / 10) and warm.lr(4) == pytest.approx(plain.lr(4) / 2)
    assert all(warm.lr(s) == plain.lr(s) for s in range(9, 101))


def test_weight_average_follows_the_weights_at_its_decay():
    net = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(net.weight)
    avg = WeightAverage(net, 0.75)
    assert not avg.module.weight.requires_grad
    with torch.no_grad():
        net.weight.fill_(1.0)
    avg.update(net)
    assert avg.module.weight.item() == pytest.approx(0.25)
    avg.update(net)
    assert avg.module.weight.item() == pytest.approx(0.25 + 0.25 * 0.75)  # 1 - 0.75^2
    avg.reset(net)
    assert avg.module.weight.item() == 1.0
    with pytest.raises(ValueError):
        WeightAverage(net, 1.0)


def test_weight_average_of_a_second_round_starts_at_its_init(tmp_path):
    """A round from `init` validates its average first: that must be the init weights, not the
    fresh ones the average was copied from (the bar a round must clear is the init's score)."""
    torch.manual_seed(0)
    trained, fresh = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    torch.save({"weights": {"net": trained.state_dict()}}, tmp_path / "init.pt")
    avg = WeightAverage(fresh, 0.9)
    checkpoint.start(tmp_path / "run", False, tmp_path / "init.pt", "net", fresh, torch.optim.AdamW(fresh.parameters()),
                     torch.Generator(), avg)
    assert torch.equal(avg.module.weight, trained.weight) and torch.equal(avg.module.bias, trained.bias)
