"""Recovers PyTorch checkpoints from shipped model bundles, so that a fresh checkout (whose
`.cache/runs` is gone) can train a next round from the weights that ship, not from scratch:

    /usr/bin/python3 training/from_onnx.py vae models/lbm-vae-s8       --out .cache/runs/onnx/lbm-vae-s8/best.pt
    /usr/bin/python3 training/from_onnx.py lbm models/lbm-remove-s8    --out .cache/runs/onnx/lbm-remove-s8/best.pt
    /usr/bin/python3 training/from_onnx.py segment models/lbm-segment  --out .cache/runs/onnx/lbm-segment/best.pt

The architecture is read off the tensors' names and shapes. Most ONNX initialisers keep the
PyTorch names; the GroupNorm scales and shifts are renamed by the exporter (`onnx::Mul_610`), so
they are matched by exporting the same architecture with a distinct marker value in each and
reading where each marker lands. The recovery is checked exactly: exporting the recovered modules
again must give the shipped graph, every node and weight bit for bit, or the script fails."""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lbm.bundle import EXAMPLE_HW, export_onnx  # noqa: E402
from lbm.models import Decoder, Encoder, SegConfig, SegNet, UNet, UNetConfig, VaeConfig  # noqa: E402

GROUPS = 8  # GroupNorm groups of every shipped network (not visible in the weights; the round trip checks it)


def initialisers(path_or_graph) -> dict[str, np.ndarray]:
    graph = path_or_graph if isinstance(path_or_graph, onnx.GraphProto) else onnx.load(str(path_or_graph)).graph
    return {i.name: numpy_helper.to_array(i) for i in graph.initializer}


def _export(module: nn.Module, role: str, args: tuple) -> onnx.GraphProto:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{role}.onnx"
        export_onnx(module, role, args, path)
        return onnx.load(str(path)).graph


def recover(module: nn.Module, role: str, args: tuple, shipped: Path) -> None:
    """Loads `shipped`'s weights into `module` (same architecture), or raises."""
    shipped_graph = onnx.load(str(shipped)).graph
    found = initialisers(shipped_graph)
    state = module.state_dict()
    renamed = [k for k in state if k not in found]
    with torch.no_grad():  # a marker k*1024 + channel: exact in float32 for every GroupNorm here
        for k, name in enumerate(renamed):
            state[name].copy_(torch.arange(state[name].numel()).reshape(state[name].shape) + 1024.0 * (k + 1))
    module.load_state_dict(state)
    marked = initialisers(_export(module, role, args))
    where = {}
    for k, name in enumerate(renamed):
        marker = np.arange(state[name].numel(), dtype=np.float32) + 1024.0 * (k + 1)
        hits = [n for n, a in marked.items() if a.size == marker.size and np.array_equal(a.ravel(), marker)]
        if len(hits) != 1:
            raise SystemExit(f"{shipped}: {name} maps to {hits or 'no initialiser'}")
        where[name] = hits[0]
    weights = {k: torch.from_numpy(found[where.get(k, k)].copy()).reshape(v.shape) for k, v in state.items()}
    module.load_state_dict(weights)
    again = _export(module, role, args)
    if again.SerializeToString() != shipped_graph.SerializeToString():
        # every node, constant and weight must come out the same (the GroupNorm groups, say, live
        # in Reshape constants, not in the weights)
        diff = [n for n, a in initialisers(again).items() if n not in found or not np.array_equal(found[n], a)]
        raise SystemExit(f"{shipped}: the recovered weights do not export to the shipped graph "
                         f"({len(diff)} initialisers differ: {diff[:4]})")


def _levels(names, prefix: str) -> int:
    return len({m.group(1) for n in names if (m := re.match(rf"{prefix}\.(\d+)\.", n))})


def recover_vae(folder: Path) -> dict:
    enc_w = initialisers(folder / "encoder.onnx")
    w1, w2 = enc_w["conv_in.weight"].shape[0], enc_w["down.weight"].shape[0]
    cfg = VaeConfig(latent_channels=enc_w["conv_out.weight"].shape[0], widths=(w1, w2),
                    blocks=_levels(enc_w, "blocks1"), groups=GROUPS)
    enc, dec = Encoder(cfg), Decoder(cfg)
    h, w = EXAMPLE_HW
    recover(enc, "encoder", (torch.zeros(1, 3, h, w),), folder / "encoder.onnx")
    recover(dec, "decoder", (torch.zeros(1, cfg.latent_channels, h // 8, w // 8),), folder / "decoder.onnx")
    return {"model_args": {"latent_channels": cfg.latent_channels, "widths": list(cfg.widths), "blocks": cfg.blocks,
                           "groups": cfg.groups},
            "weights": {"encoder": enc.state_dict(), "decoder": dec.state_dict()},
            "step": None, "best": None, "config": {"kind": "vae", "name": folder.name, "from_onnx": str(folder)}}


def recover_lbm(folder: Path) -> dict:
    manifest = json.loads((folder / "model.json").read_text())
    w = initialisers(folder / "denoiser.onnx")
    levels = _levels(w, "down_blocks")
    cfg = UNetConfig(latent_channels=manifest["vae"]["latentChannels"],
                     cond_channels=w["conv_in.weight"].shape[1] - manifest["vae"]["latentChannels"],
                     widths=tuple(w[f"down_blocks.{i}.0.conv1.weight"].shape[0] for i in range(levels)),
                     blocks=_levels(w, "down_blocks.0"), groups=GROUPS,
                     time_dim=w["time.mlp.0.weight"].shape[1], time_hidden=w["time.mlp.0.weight"].shape[0],
                     extra=_levels(w, "down_extra.0"))
    unet = UNet(cfg)
    h, wd = (s // 8 for s in EXAMPLE_HW)
    recover(unet, "denoiser", (torch.zeros(1, cfg.in_channels, h, wd), torch.tensor([1000.0])), folder / "denoiser.onnx")
    args = {k: list(v) if k == "widths" else v for k, v in vars(cfg).items()}
    return {"model_args": {"unet": args}, "weights": {"unet": unet.state_dict()}, "step": None, "best": None,
            "config": {"kind": "lbm", "name": manifest["id"], "task": manifest["task"], "from_onnx": str(folder),
                       "version": manifest["version"]}}


def recover_segment(folder: Path) -> dict:
    manifest = json.loads((folder / "model.json").read_text())
    w = initialisers(folder / "segmenter.onnx")
    levels = _levels(w, "body.down_blocks")
    cfg = SegConfig(unshuffle=round((w["body.conv_in.weight"].shape[1] / 3) ** 0.5),
                    widths=tuple(w[f"body.down_blocks.{i}.0.conv1.weight"].shape[0] for i in range(levels)),
                    blocks=_levels(w, "body.down_blocks.0"), groups=GROUPS, context=_levels(w, "body.context.downs"),
                    extra=_levels(w, "body.down_extra.0"))
    net = SegNet(cfg)
    h, wd = EXAMPLE_HW
    recover(net, "segmenter", (torch.zeros(1, 3, h, wd),), folder / "segmenter.onnx")
    args = {k: list(v) if k == "widths" else v for k, v in vars(cfg).items()}
    return {"model_args": {"seg": args}, "weights": {"segnet": net.state_dict()}, "step": None, "best": None,
            "config": {"kind": "segment", "name": manifest["id"], "from_onnx": str(folder), "version": manifest["version"]}}


RECOVER = {"vae": recover_vae, "lbm": recover_lbm, "segment": recover_segment}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=tuple(RECOVER))
    ap.add_argument("bundle", type=Path, help="a model folder under models/")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--half", action="store_true",
                    help="save the weights rounded to half precision (half the size, for the device tool's 64 MiB)")
    args = ap.parse_args()
    state = RECOVER[args.kind](args.bundle)
    if args.half:  # after the exact check; load_state_dict turns them back into float32
        state["weights"] = {k: {n: t.half() for n, t in w.items()} for k, w in state["weights"].items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, args.out)
    print(f"{args.bundle} -> {args.out}: exported again, the graph matches bit for bit")


if __name__ == "__main__":
    main()
