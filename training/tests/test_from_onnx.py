"""from_onnx.py gets back the exact PyTorch weights of a bundle, and refuses an architecture it misreads."""
from dataclasses import replace

import pytest
import torch

from from_onnx import recover_lbm, recover_segment, recover_vae
from lbm.bundle import Conditioning, LbmSpec, Meta, VaeRef, write_lbm_bundle, write_segment_bundle, write_vae_bundle
from lbm.models import Decoder, Encoder, SegConfig, SegNet, UNet, UNetConfig, VaeConfig

VAE = VaeConfig(latent_channels=4, widths=(16, 32), blocks=1)
UNET = UNetConfig(latent_channels=4, cond_channels=1, widths=(16, 32, 32), blocks=2, time_dim=16, time_hidden=32)
SPEC = LbmSpec(task="remove", vae=VaeRef(id="t-vae", latent_channels=4), bridge_noise_sigma=0.01,
               conditioning=(Conditioning("mask", "mask", 1, "bilinear"),))


def randomised(module):
    """Every tensor random, GroupNorm scales and shifts included (they start as ones and zeros)."""
    torch.manual_seed(0)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p))
    return module


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("extra", [0, 1])
def test_recovers_a_denoiser_exactly(tmp_path, extra):
    unet = randomised(UNet(replace(UNET, extra=extra)))
    write_lbm_bundle(tmp_path / "t", Meta(id="t", name="t"), unet, SPEC)
    state = recover_lbm(tmp_path / "t")
    args = state["model_args"]["unet"]
    assert args["widths"] == [16, 32, 32] and args["blocks"] == 2 and args["extra"] == extra
    assert same(state["weights"]["unet"], unet.state_dict())


def test_recovers_a_vae_exactly(tmp_path):
    enc, dec = randomised(Encoder(VAE)), randomised(Decoder(VAE))
    write_vae_bundle(tmp_path / "v", Meta(id="v", name="v"), enc, dec, VAE)
    state = recover_vae(tmp_path / "v")
    assert same(state["weights"]["encoder"], enc.state_dict()) and same(state["weights"]["decoder"], dec.state_dict())


@pytest.mark.parametrize("extra", [0, 1])
def test_recovers_a_segmenter_with_its_context_branch_exactly(tmp_path, extra):
    net = randomised(SegNet(SegConfig(unshuffle=4, widths=(16, 32), context=2, extra=extra)))
    write_segment_bundle(tmp_path / "s", Meta(id="s", name="s"), net)
    state = recover_segment(tmp_path / "s")
    seg = state["model_args"]["seg"]
    assert seg["context"] == 2 and seg["unshuffle"] == 4 and seg["extra"] == extra
    assert same(state["weights"]["segnet"], net.state_dict())


def test_refuses_what_it_cannot_see_in_the_weights(tmp_path):
    # GroupNorm groups leave no trace in the weights' shapes: the round trip must catch them
    unet = randomised(UNet(replace(UNET, groups=4)))
    write_lbm_bundle(tmp_path / "g4", Meta(id="g4", name="t"), unet, SPEC)
    with pytest.raises(SystemExit, match="do not export to the shipped graph"):
        recover_lbm(tmp_path / "g4")
