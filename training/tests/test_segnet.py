"""Second rounds that grow a network (checkpoint.start): SegNet's context branch, extra blocks, and
a denoiser's extra conditioning channel, start exactly where the smaller model was; any other mismatch with the
starting weights is refused. And the segment bundle's `flipAverage` option."""
import pytest
import torch

from lbm import checkpoint
from lbm.models import SegConfig, SegNet, UNet, UNetConfig


def _start(tmp_path, net: torch.nn.Module, weights: dict) -> None:
    torch.save({"weights": {"net": weights}}, tmp_path / "init.pt")
    opt = torch.optim.AdamW(net.parameters())
    checkpoint.start(tmp_path / "run", False, tmp_path / "init.pt", "net", net, opt, torch.Generator())


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


def test_extra_blocks_start_as_the_identity(tmp_path):
    torch.manual_seed(0)
    shallow = SegNet(SegConfig(widths=(8, 16, 16), context=2)).eval()
    deeper = SegNet(SegConfig(widths=(8, 16, 16), context=2, extra=1)).eval()
    _start(tmp_path, deeper, shallow.state_dict())
    image = torch.rand(1, 3, 48, 80) * 2 - 1
    with torch.no_grad():
        assert torch.equal(shallow(image), deeper(image))
        for levels in (deeper.body.down_extra, deeper.body.up_extra):
            for level in levels:
                level[0].conv2.weight.normal_(std=0.1)  # trained, each block changes the mask
        assert not torch.allclose(shallow(image), deeper(image))


def test_other_missing_weights_are_refused(tmp_path):
    plain = SegNet(SegConfig(widths=(8, 16, 16)))
    weights = {k: v for k, v in plain.state_dict().items() if not k.startswith("body.conv_out")}
    with pytest.raises(SystemExit, match="does not fit"):
        _start(tmp_path, SegNet(SegConfig(widths=(8, 16, 16))), weights)


def test_an_added_conditioning_channel_starts_with_zero_weights(tmp_path):
    torch.manual_seed(0)
    shape = dict(latent_channels=4, widths=(8, 16), groups=4, time_dim=8, time_hidden=16)
    small, wide = UNet(UNetConfig(cond_channels=2, **shape)).eval(), UNet(UNetConfig(cond_channels=3, **shape)).eval()
    _start(tmp_path, wide, small.state_dict())
    sample, t = torch.randn(1, 6, 12, 12), torch.tensor([500.0])
    extra = torch.randn(1, 1, 12, 12)  # whatever the new channel holds, the output is the old model's
    with torch.no_grad():
        assert torch.allclose(small(sample, t), wide(torch.cat([sample, extra], 1), t), atol=1e-6)
    assert wide.conv_in.weight[:, 6:].abs().max() == 0


def test_flip_average_is_written_into_the_manifest_and_card_only_when_asked(tmp_path):
    import json
    from lbm.bundle import Meta, SegmentSpec, write_segment_bundle
    net = SegNet(SegConfig(widths=(8, 16), groups=4)).eval()
    for flip in (False, True):
        folder = tmp_path / str(flip)
        write_segment_bundle(folder, Meta(id="s", name="s"), net, SegmentSpec(flip_average=flip))
        manifest = json.loads((folder / "model.json").read_text())
        assert manifest.get("flipAverage") is (True if flip else None)
        assert ("mirror image" in (folder / "README.md").read_text()) is flip
