"""SegNet's context branch: a second round can add it to a model trained without it, which then
starts exactly where it was; any other mismatch with the starting weights is refused."""
import pytest
import torch

from lbm import checkpoint
from lbm.models import SegConfig, SegNet


def _start(tmp_path, net: SegNet, weights: dict) -> None:
    torch.save({"weights": {"segnet": weights}}, tmp_path / "init.pt")
    opt = torch.optim.AdamW(net.parameters())
    checkpoint.start(tmp_path / "run", False, tmp_path / "init.pt", "segnet", net, opt, torch.Generator())


def test_the_context_branch_starts_as_the_identity(tmp_path):
    torch.manual_seed(0)
    plain = SegNet(SegConfig(widths=(8, 16, 16))).eval()
    wider = SegNet(SegConfig(widths=(8, 16, 16), context=2)).eval()
    _start(tmp_path, wider, plain.state_dict())
    image = torch.rand(1, 3, 48, 80) * 2 - 1  # odd level sizes: 12x20 -> 3x5 at the bottom -> 1x2 -> 1x1
    with torch.no_grad():
        assert torch.equal(plain(image), wider(image))
        wider.body.context.out.weight.normal_()  # once trained, the branch does change the mask
        assert not torch.allclose(plain(image), wider(image))


def test_other_missing_weights_are_refused(tmp_path):
    plain = SegNet(SegConfig(widths=(8, 16, 16)))
    weights = {k: v for k, v in plain.state_dict().items() if not k.startswith("body.conv_out")}
    with pytest.raises(SystemExit, match="does not fit"):
        _start(tmp_path, SegNet(SegConfig(widths=(8, 16, 16))), weights)
