"""Seconds-long checks of the models, sampler, light maps and bundle export."""
from dataclasses import replace
import hashlib
from pathlib import Path
import json

import numpy as np
import onnx
import pytest
import torch

from lbm.bundle import Conditioning, LbmSpec, Meta, VaeRef, add_preview_decoder, write_lbm_bundle, write_vae_bundle
from lbm.light import Light, LightMapSpec, render_light_map
from lbm.models import Decoder, Encoder, UNet, UNetConfig, VaeConfig
from lbm.sampler import sample, sigmas

VAE = VaeConfig(latent_channels=4, widths=(16, 32), blocks=1)
UNET = UNetConfig(latent_channels=4, cond_channels=2, widths=(16, 32, 32))
SPEC = LightMapSpec()


@pytest.mark.parametrize("hw", [(64, 96), (48, 80), (32, 32)])
def test_vae_shapes(hw):
    torch.manual_seed(0)
    h, w = hw
    latent = Encoder(VAE)(torch.rand(1, 3, h, w) * 2 - 1)
    assert latent.shape == (1, 4, h // 8, w // 8)
    assert Decoder(VAE)(latent).shape == (1, 3, h, w)


@pytest.mark.parametrize("hw", [(8, 12), (6, 10), (5, 3), (4, 4)])
def test_unet_shapes_any_latent_size(hw):
    torch.manual_seed(0)
    v = UNet(UNET)(torch.randn(1, 6, *hw), torch.tensor([1000.0]))
    assert v.shape == (1, 4, *hw) and torch.isfinite(v).all()


def test_sigmas():
    assert sigmas(1) == [1.0, 0.0]
    assert sigmas(2) == [1.0, 0.5, 0.0]
    assert sigmas(4) == [1.0, 0.75, 0.5, 0.25, 0.0]


def test_sampler_one_step_is_z_minus_v():
    torch.manual_seed(0)
    net = UNet(UNET).eval()
    z, cond = torch.randn(1, 4, 8, 12), torch.rand(1, 2, 8, 12)
    with torch.no_grad():
        v = net(torch.cat([z, cond], 1), torch.tensor([1000.0]))
    assert torch.allclose(sample(net, z, cond, 1, 0.05), z - v, atol=1e-6)


def test_sampler_noise_list_matches_generator():
    torch.manual_seed(0)
    net = UNet(UNET).eval()
    z, cond = torch.randn(1, 4, 8, 12), torch.rand(1, 2, 8, 12)
    g = torch.Generator().manual_seed(3)
    noise = [torch.randn(z.shape, generator=g) for _ in range(3)]
    a = sample(net, z, cond, 4, 0.05, noise=noise)
    b = sample(net, z, cond, 4, 0.05, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)
    assert not torch.allclose(a, sample(net, z, cond, 4, 0.0))
    with pytest.raises(ValueError):
        sample(net, z, cond, 2, 0.05, noise=[])


def peak(m: np.ndarray) -> tuple[int, int]:
    i, j = np.unravel_index(np.argmax(m[0]), m[0].shape)
    return int(i), int(j)


def test_light_map_azimuth_convention():
    w = h = 33  # odd so the centre is a pixel: index 16
    i, j = peak(render_light_map(SPEC, 1, [Light(0, 45, 0.0, 1.0)], w, h))
    assert j > 16 and i == 16  # azimuth 0: right of centre
    i, j = peak(render_light_map(SPEC, 1, [Light(90, 45, 0.0, 1.0)], w, h))
    assert i < 16 and j == 16  # azimuth 90: above centre (y down)
    i, j = peak(render_light_map(SPEC, 1, [Light(180, 45, 0.0, 1.0)], w, h))
    assert j < 16 and i == 16
    assert peak(render_light_map(SPEC, 1, [Light(123, 90, 0.5, 1.0)], w, h)) == (16, 16)  # overhead


def test_light_map_rgb_amplitude_and_sum():
    a, b = Light(30, 40, 0.2, 2.0, (1.0, 0.5, 0.0)), Light(250, 10, 0.9, 0.5)
    rgb = render_light_map(SPEC, 3, [a], 12, 8)
    grey = render_light_map(SPEC, 1, [a], 12, 8)
    assert rgb.shape == (3, 8, 12) and rgb.dtype == np.float32
    np.testing.assert_allclose(rgb[0], grey[0], rtol=1e-6)
    np.testing.assert_allclose(rgb[1], grey[0] * 0.5, rtol=1e-6)
    assert np.all(rgb[2] == 0)
    both = render_light_map(SPEC, 1, [a, b], 12, 8)
    np.testing.assert_allclose(both, grey + render_light_map(SPEC, 1, [b], 12, 8), rtol=1e-6)


def test_vae_ref_honours_shift():
    ref = VaeRef(id="x", scale=0.5, shift=0.1)
    latent = torch.randn(1, 4, 2, 2)
    assert torch.allclose(ref.normalise(latent), (latent - 0.1) * 0.5)
    assert torch.allclose(ref.denormalise(ref.normalise(latent)), latent, atol=1e-6)


def check_files(folder, manifest):
    for ref in manifest["files"].values():
        assert hashlib.sha256((folder / ref["path"]).read_bytes()).hexdigest() == ref["sha256"]
    assert json.loads((folder / "model.json").read_text()) == manifest
    assert (folder / "README.md").read_text().startswith("# ")


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def test_export_bundles(tmp_path):
    torch.manual_seed(0)
    meta = Meta(id="t-vae", name="t")
    vae = write_vae_bundle(tmp_path / "t-vae", meta, Encoder(VAE), Decoder(VAE), VAE)
    assert vae["kind"] == "vae" and vae["downsample"] == 8 and vae["pixelRange"] == [-1.0, 1.0]
    check_files(tmp_path / "t-vae", vae)
    enc = onnx.load(str(tmp_path / "t-vae" / "encoder.onnx"))
    assert dims(enc.graph.input[0]) == [1, 3, "H", "W"] and dims(enc.graph.output[0]) == [1, 4, "h", "w"]

    # The preview decoder joins the bundle; a second export replaces its card section, not repeats it.
    small = replace(VAE, widths=(8, 16), groups=4)
    for note in ("first note", "second note"):
        vae = add_preview_decoder(tmp_path / "t-vae", Decoder(small), small, note)
    check_files(tmp_path / "t-vae", vae)
    assert list(vae["files"]) == ["encoder", "decoder", "previewDecoder"]
    assert vae["files"]["previewDecoder"]["flopsPerPixel"] < vae["files"]["decoder"]["flopsPerPixel"]
    card = (tmp_path / "t-vae" / "README.md").read_text()
    assert card.count("## Preview decoder") == 1 and "second note" in card and "first note" not in card
    assert "- kind: vae" in card.split("## Preview decoder")[1]  # the generated facts stay last

    spec = LbmSpec(task="shadow", vae=VaeRef(id="t-vae"), bridge_noise_sigma=0.01, light_map=SPEC,
                   conditioning=(Conditioning("mask", "mask", 1, "bilinear"), Conditioning("light", "lightMap", 1, "render")))
    lbm = write_lbm_bundle(tmp_path / "t-shadow", Meta(id="t-shadow", name="t"), UNet(UNET), spec)
    check_files(tmp_path / "t-shadow", lbm)
    assert list(lbm) == ["format", "id", "name", "version", "license", "provenance", "kind", "task", "vae",
                         "conditioning", "lightMap", "sampler", "resolution", "files"]
    assert lbm["resolution"]["multiple"] % lbm["vae"]["downsample"] == 0
    den = onnx.load(str(tmp_path / "t-shadow" / "denoiser.onnx"))
    assert [i.name for i in den.graph.input] == ["sample", "timestep"]
    assert dims(den.graph.input[0]) == [1, 6, "h", "w"] and dims(den.graph.input[1]) == [1]
    assert den.opset_import[0].version == 17
    # one conditioning channel short of the spec's two
    with pytest.raises(ValueError, match="input channels"):
        write_lbm_bundle(tmp_path / "bad", Meta(id="bad", name="t"), UNet(replace(UNET, cond_channels=1)), spec)
    # view averaging: any of the eight views for a remove model, only the mirror for others
    with pytest.raises(ValueError, match="1 or 2 \\(the mirror\\) for others"):
        write_lbm_bundle(tmp_path / "bad", Meta(id="bad", name="t"), UNet(UNET), replace(spec, view_average=4))
    remove = LbmSpec(task="remove", vae=VaeRef(id="t-vae"), bridge_noise_sigma=0.01, hole_fill="pushpull", view_average=4,
                     conditioning=(Conditioning("mask", "mask", 1, "bilinear"),))
    rm = write_lbm_bundle(tmp_path / "t-remove", Meta(id="t-remove", name="t"), UNet(replace(UNET, cond_channels=1)), remove)
    assert rm["viewAverage"] == 4 and rm["holeFill"] == "pushpull"
    assert "over 4 views" in (tmp_path / "t-remove" / "README.md").read_text()
    assert write_lbm_bundle(tmp_path / "t-shadow2", Meta(id="t-shadow2", name="t"), UNet(UNET), replace(spec, view_average=2))["viewAverage"] == 2


def test_bridge_interpolant_and_loss_step():
    import torch
    from lbm.bridge import BridgeConfig, bridge_loss, interpolant
    from lbm.models import Decoder, UNet, UNetConfig, VaeConfig

    z_src, z_tgt = torch.randn(2, 4, 6, 8), torch.randn(2, 4, 6, 8)
    eps = torch.randn(2, 4, 6, 8)
    # sigma = 1 is the source exactly (no noise at the end points), sigma = .5 the noisy midpoint
    assert torch.allclose(interpolant(z_src, z_tgt, torch.ones(2), 0.3, eps), z_src)
    mid = interpolant(z_src, z_tgt, torch.full((2,), 0.5), 0.3, eps)
    assert torch.allclose(mid, 0.5 * (z_src + z_tgt) + 0.3 * 0.5 * eps)

    unet = UNet(UNetConfig(latent_channels=4, cond_channels=1, widths=(8, 16), groups=4, time_dim=8, time_hidden=16))
    dec = Decoder(VaeConfig(latent_channels=4, widths=(8, 16), blocks=1, groups=4))
    for p in dec.parameters():
        p.requires_grad_(False)
    cfg = BridgeConfig(bridge_noise_sigma=0.05, pixel_crop=32)
    gen = torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(unet.parameters(), 1e-3)
    cond = torch.rand(2, 1, 6, 8)
    target = torch.rand(2, 3, 48, 64) * 2 - 1
    loss, parts = bridge_loss(unet, dec, z_src, z_tgt, cond, target, cfg, gen)
    loss.backward()
    opt.step()
    assert loss.item() > 0 and set(parts) == {"latent", "pixel"}
    assert all(p.grad is None for p in dec.parameters())  # the decoder stays frozen
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in unet.parameters())


def test_pixel_weights_count_the_mask_and_the_change():
    import torch
    from lbm.bridge import BridgeConfig, pixel_weights
    from lbm.losses import pixel_loss

    source = torch.zeros(1, 3, 4, 4)
    target = source.clone()
    target[..., 0, 0] = -0.5                      # a shadow pixel: changed by more than the threshold
    target[..., 0, 1] = -0.05                     # a faint change, under it
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., 3, 3] = 1
    assert pixel_weights(BridgeConfig(), source, target, mask) is None
    w = pixel_weights(BridgeConfig(mask_weight=2, change_weight=3), source, target, mask)
    assert w[0, 0, 0, 0] == 4 and w[0, 0, 0, 1] == 1 and w[0, 0, 3, 3] == 3 and w.sum() == 16 + 3 + 2
    # weighted L1: an error on the heavy pixel costs its weight's share, not 1/16
    pred = target.clone()
    pred[..., 0, 0] = 0
    plain, weighted = pixel_loss(pred, target, 0.0), pixel_loss(pred, target, 0.0, w)
    assert torch.isclose(plain, torch.tensor(0.5 / 16)) and torch.isclose(weighted, torch.tensor(0.5 * 4 / 21))
    # the squared error adds its share with the same weights
    squared = pixel_loss(pred, target, 0.0, w, mse_weight=2.0)
    assert torch.isclose(squared, torch.tensor(0.5 * 4 / 21 + 2.0 * 0.25 * 4 / 21))


def test_squared_error_moves_an_uncertain_guess_from_the_median_to_the_mean():
    """Three equally likely targets 0, 0, 1 for one pixel: the L1 is least at the median (0); with
    the squared error weighted enough, the best constant guess moves towards the mean (1/3)."""
    import torch
    from lbm.losses import pixel_loss

    targets = torch.tensor([0.0, 0.0, 1.0]).view(3, 1, 1, 1).expand(3, 1, 4, 4)
    guesses = torch.linspace(0, 1, 101)
    best = lambda w: guesses[torch.stack([pixel_loss(g.expand_as(targets), targets, 0.0, mse_weight=w)
                                          for g in guesses]).argmin()].item()
    assert best(0.0) == 0.0
    # for 0 < g < 1 the loss is (1 + g + w (2 g^2 + (1 - g)^2)) / 3, least at g = 1/3 - 1/(6 w)
    assert abs(best(8.0) - (1 / 3 - 1 / 48)) < 0.006


def test_delta_loss_ignores_what_the_decoder_cannot_reproduce():
    """With pixel_delta, an estimate that lands on the target latent has zero pixel loss even
    when the decoder reproduces neither image, as long as the change is right."""
    import torch
    from lbm.bridge import BridgeConfig, bridge_loss

    class Exact(torch.nn.Module):  # predicts v = z_src - z_tgt exactly, so z_hat = z_tgt
        def __init__(self, v):
            super().__init__()
            self.v, self.w = v, torch.nn.Parameter(torch.zeros(()))

        def forward(self, x, t):
            return self.v + 0 * self.w

    z_src, z_tgt = torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4)
    z_tgt[..., 1, 1] = -1
    offset = torch.nn.Upsample(scale_factor=2)   # a "decoder" that is 0.3 off everywhere
    decoder = lambda z: offset(z) + 0.3
    source, target = offset(z_src), offset(z_tgt)
    cfg = BridgeConfig(bridge_noise_sigma=0.0, pixel_crop=64, sigma_law=(1.0, 0, 0, 0))
    gen = torch.Generator().manual_seed(0)
    _, plain = bridge_loss(Exact(z_src - z_tgt), decoder, z_src, z_tgt, None, target, cfg, gen, source)
    _, delta = bridge_loss(Exact(z_src - z_tgt), decoder, z_src, z_tgt, None, target, BridgeConfig(
        bridge_noise_sigma=0.0, pixel_crop=64, sigma_law=(1.0, 0, 0, 0), pixel_delta=True), gen, source)
    assert plain["pixel"] > 0.29 and delta["pixel"] < 1e-6


def test_soft_shadow_iou_matches_the_hard_iou_away_from_the_threshold():
    """A change that darkens a 2x2 patch by 0.2 (well past the 0.05 drop) against a target
    darkening a 2x4 patch: IoU 4/8 = 0.5, up to the +1 smoothing; inside the subject nothing counts;
    both regions empty give exactly 1; and the loss has a gradient where the estimate is near the threshold."""
    import torch
    from lbm.losses import soft_shadow_iou

    change, target = torch.zeros(1, 3, 6, 6), torch.zeros(1, 3, 6, 6)
    change[..., 0:2, 0:2] = -0.4          # -0.4 in [-1, 1] units is a luma drop of 0.2
    target[..., 0:2, 0:4] = -0.4
    outside = torch.ones(1, 1, 6, 6, dtype=torch.bool)
    iou = soft_shadow_iou(change, target, outside, 0.05, 0.02)
    assert abs(iou.item() - 5 / 9) < 1e-6
    outside[..., 0:2, 2:4] = False        # the target's extra half lies on the subject: perfect match
    assert abs(soft_shadow_iou(change, target, outside, 0.05, 0.02).item() - 1.0) < 1e-6
    assert soft_shadow_iou(torch.zeros_like(change), torch.zeros_like(target), outside, 0.05, 0.02).item() == 1.0
    near = torch.full((1, 3, 6, 6), -0.1, requires_grad=True)   # a luma drop of exactly 0.05 everywhere
    soft_shadow_iou(near, target, torch.ones_like(outside), 0.05, 0.02).backward()
    assert near.grad[..., 0, 0].sum() < 0 < near.grad[..., 5, 5].sum()   # darken the shadow, lighten the rest


def test_iou_term_needs_the_change_and_the_mask():
    import pytest
    import torch
    from lbm.bridge import BridgeConfig, bridge_loss
    unet = lambda x, t: torch.zeros(x.shape[0], 3, 4, 4)
    decoder = torch.nn.Upsample(scale_factor=2)
    z = torch.zeros(1, 3, 4, 4)
    cfg = BridgeConfig(sigma_law=(1.0, 0, 0, 0), pixel_crop=64, iou_weight=0.5)
    with pytest.raises(ValueError, match="iou_weight"):
        bridge_loss(unet, decoder, z, z, None, decoder(z), cfg, torch.Generator(), decoder(z), None)
    delta = BridgeConfig(sigma_law=(1.0, 0, 0, 0), pixel_crop=64, iou_weight=0.5, pixel_delta=True)
    loss, parts = bridge_loss(unet, decoder, z, z, None, decoder(z), delta, torch.Generator(), decoder(z), torch.zeros(1, 1, 8, 8))
    assert parts["iou"] == 1.0 and loss.item() < 1e-3   # nothing to cast, nothing cast


def test_vae_training_resumes_exactly(tmp_path):
    """Two steps, stop, resume for one more == three steps straight (same weights)."""
    from resume import assert_resume_is_exact
    root = Path(__file__).resolve().parents[1]
    cfg = json.loads((root / "configs" / "vae.json").read_text())
    # A few generated photos, so the test needs nothing outside the repository.
    from PIL import Image
    photos = tmp_path / "photos" / "cq100"
    photos.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(8):
        Image.fromarray(rng.integers(0, 255, (72, 96, 3), dtype=np.uint8)).save(photos / f"p{i}.png")
    cfg.update(name="smoke", batch=2, max_steps=3, eval_every=1,
               model={"latent_channels": 4, "widths": [8, 16], "blocks": 1, "groups": 4},
               data=dict(cfg["data"], photos=str(tmp_path / "photos"), crop=32, max_side=96, renders="nowhere", val_every_nth=4))
    conf = tmp_path / "vae.json"
    conf.write_text(json.dumps(cfg))

    assert_resume_is_exact(conf, tmp_path, "decoder")
