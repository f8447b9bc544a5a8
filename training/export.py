"""Exports a trained checkpoint as a model bundle the app loads, with a parity fixture (reference
input and PyTorch output) that tests/engine/parity.test.ts runs through onnxruntime-node.

    /usr/bin/python3 training/export.py vae --checkpoint .cache/runs/lbm-vae-s8/best.pt --id lbm-vae-s8 \\
        --eval .cache/runs/lbm-vae-s8/kodak.json --card training/cards/lbm-vae-s8.md
    /usr/bin/python3 training/export.py preview-decoder --checkpoint .cache/runs/lbm-vae-s8-preview/best.pt \\
        --vae lbm-vae-s8 --card training/cards/lbm-vae-s8-preview.md
    /usr/bin/python3 training/export.py segment --checkpoint .cache/runs/lbm-segment/best.pt --id lbm-segment \\
        --card training/cards/lbm-segment.md
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lbm.checkpoint import load_vae  # noqa: E402
from lbm.bundle import Meta, write_vae_bundle  # noqa: E402
from lbm.golden import pattern_image, tensor_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PARITY = ROOT / "tests" / "fixtures" / "parity"


@torch.no_grad()
def parity_fixture(enc, dec, latent_channels: int) -> dict:
    """A 64x96 image through the encoder, and a latent through the decoder, with PyTorch's outputs."""
    image = pattern_image(64, 96, seed=5)
    latent = enc(image)
    g = torch.Generator().manual_seed(6)
    probe = latent + 0.1 * torch.randn(latent.shape, generator=g)
    return {"encoder": {"image": tensor_json(image), "latent": tensor_json(latent)},
            "decoder": {"latent": tensor_json(probe), "image": tensor_json(dec(probe))}}


def export_vae(args: argparse.Namespace) -> None:
    enc, dec, state = load_vae(args.checkpoint)
    enc.eval(), dec.eval()
    cfg = enc_cfg = state["model_args"]
    card = args.card.read_text() if args.card else ""
    meta = Meta(id=args.id, name=args.name, version=args.version, license="MIT",
                data=tuple(args.data), training=args.training, card=card)
    from lbm.models import VaeConfig
    vcfg = VaeConfig(latent_channels=cfg["latent_channels"], widths=tuple(enc_cfg["widths"]), blocks=cfg["blocks"], groups=cfg["groups"])
    folder = ROOT / "models" / args.id
    write_vae_bundle(folder, meta, enc, dec, vcfg)
    PARITY.mkdir(parents=True, exist_ok=True)
    (PARITY / f"{args.id}.json").write_text(json.dumps(parity_fixture(enc, dec, vcfg.latent_channels)) + "\n")
    print(f"wrote {folder} and {PARITY / (args.id + '.json')}")


def export_preview_decoder(args: argparse.Namespace) -> None:
    """Adds the distilled preview decoder to an existing VAE bundle, and its parity case to the
    VAE's fixture."""
    from lbm.bundle import add_preview_decoder
    from lbm.checkpoint import load_preview_decoder
    dec, cfg, state = load_preview_decoder(args.checkpoint)
    add_preview_decoder(ROOT / "models" / args.vae, dec, cfg, args.card.read_text())
    fixture_path = PARITY / f"{args.vae}.json"
    fixture = json.loads(fixture_path.read_text())
    probe = torch.tensor(fixture["decoder"]["latent"]["data"], dtype=torch.float32).reshape(fixture["decoder"]["latent"]["shape"])
    with torch.no_grad():
        fixture["previewDecoder"] = {"latent": tensor_json(probe), "image": tensor_json(dec(probe))}
    fixture_path.write_text(json.dumps(fixture) + "\n")
    print(f"added preview-decoder.onnx to models/{args.vae} (step {state['step']}, validation {state['best']:.2f} dB vs the teacher)")


@torch.no_grad()
def segment_parity_fixture(net) -> dict:
    """A 64x96 image (not square: catches a transposed axis) through the segmenter, with PyTorch's mask."""
    net.eval()
    image = pattern_image(64, 96, seed=7)
    return {"kind": "segment", "segmenter": {"image": tensor_json(image), "mask": tensor_json(net(image))}}


def load_segnet(path: Path):
    """The SegNet of a segmentation checkpoint: model_args {"seg": SegConfig fields}, weights {"segnet": ...}."""
    from lbm import checkpoint
    from lbm.models import SegConfig, SegNet
    state = checkpoint.load(path)
    seg = state["model_args"]["seg"]
    net = SegNet(SegConfig(**{k: tuple(v) if k == "widths" else v for k, v in seg.items()}))
    net.load_state_dict(state["weights"]["segnet"])
    return net.eval(), state


def export_segment(args: argparse.Namespace) -> None:
    from lbm.bundle import SegmentSpec, write_segment_bundle
    net, state = load_segnet(args.checkpoint)
    cfg = state.get("config", {})
    step = state.get("step", "?")
    meta = Meta(id=args.id, name=args.name, version=args.version, license="MIT", data=tuple(args.data),
                training=args.training or f"training/train.py --config <{cfg.get('name', 'segment')}>, step {step}",
                card=args.card.read_text() if args.card else "")
    folder = ROOT / "models" / args.id if args.out is None else args.out
    write_segment_bundle(folder, meta, net, SegmentSpec(long_side=args.long_side, multiple=args.multiple, flip_average=args.flip_average,
                                                         grabcut=(args.grabcut[0], args.grabcut[1]) if args.grabcut else None))
    # A trial bundle (--out) gets its fixture beside it: the shipped model's in tests/ stays its own.
    fixture = PARITY / f"{args.id}.json" if args.out is None else args.out.with_name(args.out.name + ".parity.json")
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_text(json.dumps(segment_parity_fixture(net)) + "\n")
    print(f"wrote {folder} and {fixture} (step {step}, best validation {state.get('best')})")


def export_lbm(args: argparse.Namespace) -> None:
    from lbm import checkpoint
    from lbm.bundle import VaeRef, write_lbm_bundle
    from lbm.models import UNet, UNetConfig
    from lbm.train_lbm import spec_from
    state = checkpoint.load(args.checkpoint)
    cfg = state["config"]
    if args.max_long_side:
        cfg["max_long_side"] = args.max_long_side  # the working size written into the bundle
    u = state["model_args"]["unet"]
    unet = UNet(UNetConfig(**{k: tuple(v) if k == "widths" else v for k, v in u.items()}))
    checkpoint.restore(state, {"unet": unet}, None, None)
    unet.eval()
    v = cfg["vae"]
    spec = spec_from(cfg, VaeRef(id=v["id"], latent_channels=u["latent_channels"], scale=v["scale"], shift=v.get("shift", 0.0)))
    if args.view_average:
        spec = dataclasses.replace(spec, view_average=args.view_average)
    meta = Meta(id=args.id, name=args.name, version=args.version, license="MIT", data=tuple(args.data),
                training=f"training/train.py --config <{cfg['name']}>, step {state['step']}", card=args.card.read_text() if args.card else "")
    write_lbm_bundle(ROOT / "models" / args.id if args.out is None else args.out, meta, unet, spec)
    print(f"wrote {args.id} (step {state['step']}, best validation {state['best']})")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="kind", required=True)
    v = sub.add_parser("vae")
    v.add_argument("--checkpoint", type=Path, required=True)
    v.add_argument("--id", required=True)
    v.add_argument("--name", default="LBM Studio VAE (8 latent channels)")
    v.add_argument("--version", default="1.0.0")
    v.add_argument("--card", type=Path, help="markdown appended to the generated model card")
    v.add_argument("--data", nargs="+", default=["photos: CQ100, BSDS500 train+val, Urban100 (research use)", "Blender renders (training/render)"])
    v.add_argument("--training", default="training/train.py --config training/configs/vae.json")
    t = sub.add_parser("lbm")
    t.add_argument("--checkpoint", type=Path, required=True)
    t.add_argument("--id", required=True)
    t.add_argument("--name", required=True)
    t.add_argument("--version", default="1.0.0")
    t.add_argument("--card", type=Path)
    t.add_argument("--out", type=Path, help="bundle folder (default models/<id>)")
    t.add_argument("--max-long-side", type=int, help="working size (long side) written into the bundle; default: the run's config")
    t.add_argument("--view-average", type=int, choices=(1, 2, 4, 8),
                   help="the app averages the output over this many views: remove 1, 2, 4 or 8 (mirror, flip, transpose); others 1 or 2 (mirror, lights mirrored)")
    t.add_argument("--data", nargs="+", default=["Blender renders (training/render): Sweet Home 3D furniture, Blender HDRIs, photo grounds"])
    p = sub.add_parser("preview-decoder")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--vae", required=True, help="the VAE bundle (models/<id>) it is added to")
    p.add_argument("--card", type=Path, required=True, help="markdown: the card's Preview decoder section")
    s = sub.add_parser("segment")
    s.add_argument("--checkpoint", type=Path, required=True)
    s.add_argument("--id", required=True)
    s.add_argument("--name", default="LBM Studio subject selection")
    s.add_argument("--version", default="1.0.0")
    s.add_argument("--card", type=Path, help="markdown appended to the generated model card")
    s.add_argument("--out", type=Path, help="bundle folder (default models/<id>)")
    s.add_argument("--long-side", type=int, default=320, help="long side of the working size the app runs the network at")
    s.add_argument("--flip-average", action="store_true", help="the app averages the mask over the photo and its mirror image")
    s.add_argument("--grabcut", nargs=2, type=float, metavar=("ITERATIONS", "SURE"),
                   help="the app cuts the pixels the network is unsure of (between 1 - SURE and SURE) with GrabCut")
    s.add_argument("--multiple", type=int, default=16, help="working sides are multiples of this")
    s.add_argument("--training", help="provenance: how it was trained (default: from the checkpoint)")
    s.add_argument("--data", nargs="+", default=["subjects with exact masks composited onto photos (Tux Paint cut-outs, Blender renders, BSDS segments)"])
    args = ap.parse_args()
    torch.set_num_threads(2)
    {"vae": export_vae, "lbm": export_lbm, "segment": export_segment, "preview-decoder": export_preview_decoder}[args.kind](args)


if __name__ == "__main__":
    main()
