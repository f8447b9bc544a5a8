"""Builds the random-weight test bundles models/tiny-* and their PyTorch golden outputs.

    /usr/bin/python3 training/export_tiny.py            # every tiny bundle
    /usr/bin/python3 training/export_tiny.py segment    # only models/tiny-segment

Deterministic: fixed seeds, so rerunning rewrites identical weights and fixtures (same PyTorch build).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

from lbm.bundle import Conditioning, LbmSpec, Meta, SegmentSpec, VaeRef, write_lbm_bundle, write_segment_bundle, write_vae_bundle
from lbm.golden import golden_for_lbm, tensor_json
from lbm.light import Light, LightMapSpec, render_light_map
from lbm.models import Decoder, Encoder, UNet, UNetConfig, VaeConfig, param_count
from export import PARITY, segment_parity_fixture

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
GOLDEN = ROOT / "tests" / "fixtures" / "golden"

TRAINING = "not trained; exported by training/export_tiny.py for tests"
CARD = "Random weights, for tests only: it exercises the whole pipeline but does not edit photos."
VAE_CFG = VaeConfig(latent_channels=4, widths=(32, 64), blocks=1, groups=8)
UNET_WIDTHS = dict(widths=(16, 32, 32), blocks=1, groups=8, time_dim=32, time_hidden=64)
VAE_REF = VaeRef(id="tiny-vae", latent_channels=4, downsample=8, scale=0.13025, shift=0.0)
LIGHT_SPEC = LightMapSpec(projection="polar", spread_min=0.04, spread_max=0.3)
MASK = Conditioning("mask", "mask", 1, "bilinear")
GOLDEN_LIGHTS = [
    Light(azimuth=30, elevation=45, softness=0.3, intensity=1.0, colour=(1.0, 0.9, 0.8)),
    Light(azimuth=200, elevation=20, softness=0.8, intensity=0.5, colour=(0.3, 0.5, 1.0)),
]

# id -> (name, spec, seed)
TASKS: dict[str, tuple[str, LbmSpec, int]] = {
    "tiny-remove": ("Tiny object removal (test model)",
                    LbmSpec(task="remove", vae=VAE_REF, conditioning=(MASK,), bridge_noise_sigma=0.05), 11),
    "tiny-shadow": ("Tiny shadow (test model)",
                    LbmSpec(task="shadow", vae=VAE_REF, bridge_noise_sigma=0.01, light_map=LIGHT_SPEC,
                            conditioning=(MASK, Conditioning("light", "lightMap", 1, "render"),
                                          Conditioning("projection", "shadowProjection", 1, "render", sweep=0.5))), 12),
    "tiny-relight": ("Tiny relight (test model)",
                     LbmSpec(task="relight", vae=VAE_REF, bridge_noise_sigma=0.01, light_map=LIGHT_SPEC,
                             conditioning=(MASK, Conditioning("light", "lightMap", 3, "render"),
                                           Conditioning("background", "image", 4, "vae-encode"))), 13),
}


def write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, separators=(",", ":")) + "\n")


def light_map_cases() -> list[dict]:
    wide = LightMapSpec(spread_min=0.05, spread_max=0.5)
    L = Light
    cases = [
        (LIGHT_SPEC, 1, 12, 8, [L(0, 45, 0.0, 1.0)]),
        (LIGHT_SPEC, 1, 12, 8, [L(90, 45, 0.5, 1.0)]),
        (LIGHT_SPEC, 1, 8, 8, [L(90, 90, 0.2, 0.7)]),
        (LIGHT_SPEC, 1, 17, 5, [L(135, 5, 1.0, 2.0)]),
        (LIGHT_SPEC, 1, 20, 32, [L(270, 30, 0.1, 1.0), L(330, 60, 0.9, 0.4)]),
        (wide, 1, 16, 12, [L(45, 10, 0.5, 1.0)]),
        (LIGHT_SPEC, 3, 12, 8, [L(0, 45, 0.3, 1.0, (1.0, 0.5, 0.25))]),
        (LIGHT_SPEC, 3, 24, 16, GOLDEN_LIGHTS),
        (wide, 3, 13, 7, [L(180, 75, 0.0, 1.5, (0.2, 1.0, 0.6)), L(300, 5, 1.0, 0.8, (1.0, 1.0, 1.0))]),
    ]
    return [{"spec": spec.to_json(), "channels": ch, "width": w, "height": h,
             "lights": [l.to_json() for l in lights],
             "map": tensor_json(render_light_map(spec, ch, lights, w, h))}
            for spec, ch, w, h, lights in cases]


SEG_WIDTHS = dict(unshuffle=4, widths=(8, 16, 32), blocks=1, groups=8)


def export_tiny_segment() -> None:
    """tiny-segment: a random-weight SegNet with its parity fixture (tests/fixtures/parity/tiny-segment.json)."""
    from lbm.models import SegConfig, SegNet
    torch.manual_seed(14)
    net = SegNet(SegConfig(**SEG_WIDTHS)).eval()
    write_segment_bundle(MODELS / "tiny-segment", Meta(id="tiny-segment", name="Tiny subject selection (test model)",
                                                      training=TRAINING, card=CARD), net, SegmentSpec())
    write_json(PARITY / "tiny-segment.json", segment_parity_fixture(net))
    print(f"tiny-segment: segmenter {param_count(net)} params")


def main() -> None:
    torch.set_num_threads(2)
    if sys.argv[1:] == ["segment"]:
        return export_tiny_segment()
    torch.manual_seed(0)
    encoder, decoder = Encoder(VAE_CFG).eval(), Decoder(VAE_CFG).eval()
    write_vae_bundle(MODELS / "tiny-vae", Meta(id="tiny-vae", name="Tiny VAE (test model)", training=TRAINING, card=CARD),
                     encoder, decoder, VAE_CFG)
    print(f"tiny-vae: encoder {param_count(encoder)} params, decoder {param_count(decoder)} params")
    for model_id, (name, spec, seed) in TASKS.items():
        torch.manual_seed(seed)
        unet = UNet(UNetConfig(latent_channels=VAE_REF.latent_channels, cond_channels=spec.cond_channels,
                               **UNET_WIDTHS)).eval()
        write_lbm_bundle(MODELS / model_id, Meta(id=model_id, name=name, training=TRAINING, card=CARD), unet, spec)
        write_json(GOLDEN / f"{model_id}.json", golden_for_lbm(model_id, spec, unet, encoder, decoder, GOLDEN_LIGHTS, seed))
        print(f"{model_id}: denoiser {param_count(unet)} params")
    write_json(GOLDEN / "light-maps.json", light_map_cases())
    export_tiny_segment()
    for f in sorted(MODELS.glob("tiny-*/*.onnx")):
        print(f"{f.relative_to(ROOT)}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    sys.exit(main())
