"""Writes a model bundle folder (models/README.md): ONNX files (opset 17, named I/O, dynamic H/W),
`model.json` valid against src/shared/model-manifest.ts, and a short model card."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import onnx
import torch
from torch import nn

from .flops import flops_per_pixel
from .light import LightMapSpec
from .models import Decoder, Encoder, UNet, VaeConfig

if TYPE_CHECKING:
    from .models import SegNet

FORMAT = "lbm-studio/model@1"
OPSET = 17
ONNX_IO = {
    "encoder": (["image"], ["latent"]),
    "decoder": (["latent"], ["image"]),
    "denoiser": (["sample", "timestep"], ["v"]),
    "segmenter": (["image"], ["mask"]),
}
EXAMPLE_HW = (64, 96)  # trace size; H and W are dynamic axes in the exported graphs


@dataclass(frozen=True)
class Meta:
    """The fields every manifest shares."""
    id: str
    name: str
    version: str = "0.1.0"
    license: str = "MIT"
    data: tuple[str, ...] = ("none: random weights",)
    training: str = "not trained"
    card: str = ""                     # extra paragraph for the model card

    def to_json(self) -> dict:
        return {"format": FORMAT, "id": self.id, "name": self.name, "version": self.version,
                "license": self.license, "provenance": {"data": list(self.data), "training": self.training}}


@dataclass(frozen=True)
class Conditioning:
    """One conditioning map; `kind` mask | lightMap | shadowProjection | image, `resize` bilinear | area | nearest | render | vae-encode.
    `sweep`: a shadowProjection's depth sweep (lbm/projection.py); written only when set, so
    bundles made before it keep their manifests."""
    name: str
    kind: str
    channels: int
    resize: str
    sweep: float = 0.0

    def to_json(self) -> dict:
        out = {"name": self.name, "kind": self.kind, "channels": self.channels, "resize": self.resize}
        return {**out, "sweep": self.sweep} if self.sweep else out


@dataclass(frozen=True)
class VaeRef:
    """The latent facts an LBM bundle was trained with. z = (latent - shift) * scale."""
    id: str
    latent_channels: int = 4
    downsample: int = 8
    scale: float = 0.13025
    shift: float = 0.0
    pixel_range: tuple[float, float] = (-1.0, 1.0)

    def to_json(self) -> dict:
        return {"id": self.id, "latentChannels": self.latent_channels, "downsample": self.downsample,
                "scale": self.scale, "shift": self.shift, "pixelRange": list(self.pixel_range)}

    def normalise(self, latent: torch.Tensor) -> torch.Tensor:
        return (latent - self.shift) * self.scale

    def denormalise(self, z: torch.Tensor) -> torch.Tensor:
        return z / self.scale + self.shift


@dataclass(frozen=True)
class LbmSpec:
    """Everything in an lbm manifest besides the shared fields and files."""
    task: str
    vae: VaeRef
    conditioning: tuple[Conditioning, ...]
    bridge_noise_sigma: float
    light_map: LightMapSpec | None = None
    default_steps: int = 1
    allowed_steps: tuple[int, ...] = (1, 2, 4)
    resolution_min: int = 32
    max_long_side: int = 512
    multiple: int = 32
    hole_fill: str | None = None       # remove: how the source's hole is filled (lbm/fill.py); absent = noise
    view_average: int | None = None    # the app averages over this many views (views.ts): remove 1, 2, 4 or 8; others 1 or 2 (mirror)

    @property
    def cond_channels(self) -> int:
        return sum(c.channels for c in self.conditioning)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_onnx(module: nn.Module, role: str, args: tuple[torch.Tensor, ...], path: Path) -> None:
    """Exports `module` under the bundle's I/O names for `role`, checks the graph and its names."""
    inputs, outputs = ONNX_IO[role]
    spatial = {"image": ("H", "W"), "latent": ("h", "w"), "sample": ("h", "w"), "v": ("h", "w"), "mask": ("H", "W")}
    dynamic = {n: {2: spatial[n][0], 3: spatial[n][1]} for n in inputs + outputs if n in spatial}
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs,
                          dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(str(path))
    # NOTE: shape inference names the batch axis of some outputs (e.g. "Convlatent_dim_0"); the
    # format is batch 1 throughout, so declare it so.
    for value in list(model.graph.input) + list(model.graph.output):
        dim0 = value.type.tensor_type.shape.dim[0]
        if dim0.dim_param:
            dim0.dim_value = 1
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))
    got_in = [i.name for i in model.graph.input]
    got_out = [o.name for o in model.graph.output]
    if got_in != inputs or got_out != outputs:
        raise RuntimeError(f"{path.name}: I/O {got_in} -> {got_out}, expected {inputs} -> {outputs}")


def _file_ref(folder: Path, name: str, module: nn.Module, args: tuple[torch.Tensor, ...]) -> dict:
    return {"path": name, "sha256": sha256(folder / name), "flopsPerPixel": round(flops_per_pixel(module, args), 1)}


def _write(folder: Path, manifest: dict, card: str) -> dict:
    (folder / "model.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (folder / "README.md").write_text(card)
    return manifest


def write_vae_bundle(folder: Path, meta: Meta, encoder: Encoder, decoder: Decoder, cfg: VaeConfig,
                     pixel_range: tuple[float, float] = (-1.0, 1.0)) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    h, w = EXAMPLE_HW
    f = cfg.downsample
    enc_args = (torch.zeros(1, 3, h, w),)
    dec_args = (torch.zeros(1, cfg.latent_channels, h // f, w // f),)
    export_onnx(encoder, "encoder", enc_args, folder / "encoder.onnx")
    export_onnx(decoder, "decoder", dec_args, folder / "decoder.onnx")
    manifest = {**meta.to_json(), "kind": "vae", "latentChannels": cfg.latent_channels, "downsample": f,
                "pixelRange": list(pixel_range),
                "files": {"encoder": _file_ref(folder, "encoder.onnx", encoder, enc_args),
                          "decoder": _file_ref(folder, "decoder.onnx", decoder, dec_args)}}
    card = (f"# {meta.name}\n\n{meta.card}\n\n"
            f"- kind: vae; encoder `image` [1,3,H,W] -> `latent` [1,{cfg.latent_channels},H/{f},W/{f}] (unscaled mean); "
            f"decoder `latent` -> `image`\n- pixel range: {list(pixel_range)}\n- license: {meta.license}\n"
            f"- data: {'; '.join(meta.data)}\n- training: {meta.training}\n")
    return _write(folder, manifest, card)


PREVIEW_SECTION = "## Preview decoder"


def add_preview_decoder(folder: Path, decoder: Decoder, cfg: VaeConfig, card: str) -> dict:
    """Adds `preview-decoder.onnx` (the decoder's I/O, fewer channels) to an existing VAE bundle:
    `files.previewDecoder` in model.json, and the card's "Preview decoder" section (replaced, so a
    re-export does not repeat it). The app uses it for the live preview only."""
    manifest = json.loads((folder / "model.json").read_text())
    if manifest.get("kind") != "vae" or manifest["latentChannels"] != cfg.latent_channels:
        raise ValueError(f"{folder} is not a VAE bundle with {cfg.latent_channels} latent channels")
    h, w = EXAMPLE_HW
    args = (torch.zeros(1, cfg.latent_channels, h // cfg.downsample, w // cfg.downsample),)
    export_onnx(decoder, "decoder", args, folder / "preview-decoder.onnx")
    manifest["files"]["previewDecoder"] = _file_ref(folder, "preview-decoder.onnx", decoder, args)
    readme = (folder / "README.md").read_text()
    start = readme.find(PREVIEW_SECTION)
    if start >= 0:  # drop the old section, up to the next heading or the generated facts at the end
        ends = [i for i in (readme.find("\n## ", start + 1), readme.find("\n\n- kind: vae", start)) if i >= 0]
        readme = readme[:start] + readme[min(ends) + 1 if ends else len(readme):].lstrip("\n")
    facts = readme.find("\n\n- kind: vae")
    section = f"{PREVIEW_SECTION}\n{card.strip()}\n"
    readme = readme[:facts].rstrip("\n") + "\n\n" + section + readme[facts:] if facts >= 0 else readme + "\n" + section
    return _write(folder, manifest, readme)


def write_lbm_bundle(folder: Path, meta: Meta, unet: UNet, spec: LbmSpec) -> dict:
    if unet.cfg.in_channels != spec.vae.latent_channels + spec.cond_channels:
        raise ValueError("UNet input channels do not match latent + conditioning channels")
    folder.mkdir(parents=True, exist_ok=True)
    h, w = (s // spec.vae.downsample for s in EXAMPLE_HW)
    args = (torch.zeros(1, unet.cfg.in_channels, h, w), torch.tensor([1000.0]))
    export_onnx(unet, "denoiser", args, folder / "denoiser.onnx")
    manifest = {**meta.to_json(), "kind": "lbm", "task": spec.task, "vae": spec.vae.to_json(),
                "conditioning": [c.to_json() for c in spec.conditioning]}
    if spec.light_map is not None:
        manifest["lightMap"] = spec.light_map.to_json()
    manifest["sampler"] = {"defaultSteps": spec.default_steps, "allowedSteps": list(spec.allowed_steps),
                           "bridgeNoiseSigma": spec.bridge_noise_sigma}
    if spec.hole_fill is not None:
        manifest["holeFill"] = spec.hole_fill
    if spec.view_average is not None:
        if spec.view_average not in ((1, 2, 4, 8) if spec.task == "remove" else (1, 2)):
            raise ValueError(f"view_average is 1, 2, 4 or 8 for remove models, 1 or 2 (the mirror) for others; not {spec.view_average} for {spec.task}")
        manifest["viewAverage"] = spec.view_average
    manifest["resolution"] = {"min": spec.resolution_min, "maxLongSide": spec.max_long_side, "multiple": spec.multiple}
    manifest["files"] = {"denoiser": _file_ref(folder, "denoiser.onnx", unet, args)}
    cond = ", ".join(f"{c.name} ({c.kind}, {c.channels} ch, {c.resize})" for c in spec.conditioning) or "none"
    card = (f"# {meta.name}\n\n{meta.card}\n\n"
            f"- kind: lbm, task `{spec.task}`; VAE `{spec.vae.id}` (scale {spec.vae.scale}, shift {spec.vae.shift})\n"
            f"- denoiser `sample` [1,{unet.cfg.in_channels},h,w] + `timestep` [1] (= 1000*sigma) -> `v` [1,{spec.vae.latent_channels},h,w]\n"
            f"- conditioning, in channel order: {cond}\n"
            f"- sampler: {spec.default_steps} step(s) by default, allowed {list(spec.allowed_steps)}, "
            f"bridge noise {spec.bridge_noise_sigma}\n"
            + (f"- the source's hole is filled with: {spec.hole_fill}\n" if spec.hole_fill else "")
            + (f"- the app averages the output over {spec.view_average} views of its input (mirror, flip, transpose)\n" if spec.view_average else "") +
            f"- image sides: multiples of {spec.multiple}, at least {spec.resolution_min}, long side at most {spec.max_long_side}\n"
            f"- license: {meta.license}\n- data: {'; '.join(meta.data)}\n- training: {meta.training}\n")
    return _write(folder, manifest, card)


@dataclass(frozen=True)
class SegmentSpec:
    """A subject segmentation bundle: the working size the app resizes the whole photo to."""
    long_side: int = 320               # long side of the working size (the photo is resized to it)
    multiple: int = 16                 # working sides are rounded to multiples of this
    pixel_range: tuple[float, float] = (-1.0, 1.0)
    flip_average: bool = False         # the app averages the mask over the photo and its mirror image
    grabcut: tuple[int, float] | None = None  # (iterations, sure): the app cuts the unsure pixels with GrabCut


def write_segment_bundle(folder: Path, meta: Meta, net: SegNet, spec: SegmentSpec = SegmentSpec()) -> dict:
    """`kind: "segment"`: one network `segmenter.onnx`, `image` [1,3,H,W] -> `mask` [1,1,H,W] in [0,1]."""
    if spec.multiple % net.cfg.unshuffle != 0:
        raise ValueError(f"resolution multiple {spec.multiple} is not a multiple of the unshuffle factor {net.cfg.unshuffle}")
    folder.mkdir(parents=True, exist_ok=True)
    args = (torch.zeros(1, 3, *EXAMPLE_HW),)
    export_onnx(net, "segmenter", args, folder / "segmenter.onnx")
    manifest = {**meta.to_json(), "kind": "segment", "pixelRange": list(spec.pixel_range),
                "resolution": {"longSide": spec.long_side, "multiple": spec.multiple}}
    if spec.flip_average:
        manifest["flipAverage"] = True
    if spec.grabcut:
        manifest["grabCut"] = {"iterations": int(spec.grabcut[0]), "sure": float(spec.grabcut[1])}
    manifest["files"] = {"segmenter": _file_ref(folder, "segmenter.onnx", net, args)}
    c = net.cfg
    card = (f"# {meta.name}\n\n{meta.card}\n\n"
            f"- kind: segment; `image` [1,3,H,W] in {list(spec.pixel_range)} -> `mask` [1,1,H,W], subject probability in [0,1]\n"
            f"- network: SegNet (unshuffle {c.unshuffle}, widths {list(c.widths)}, {c.blocks} block(s), {c.groups} groups"
            f"{f', context branch of {c.context} level(s)' if c.context else ''})\n"
            f"- working size: the whole photo resized to a long side of {spec.long_side}, sides multiples of {spec.multiple}; "
            f"the app upsamples the mask to full resolution with a guided filter (the photo as guide)\n"
            + ("- the app averages the mask over the photo and its mirror image (`flipAverage`)\n" if spec.flip_average else "")
            + (f"- the app cuts the pixels the network is unsure of (between {1 - spec.grabcut[1]:.2g} and {spec.grabcut[1]:.2g}) with "
               f"OpenCV's GrabCut, {int(spec.grabcut[0])} iteration(s), at the working size (`grabCut`)\n" if spec.grabcut else "") +
            f"- license: {meta.license}\n- data: {'; '.join(meta.data)}\n- training: {meta.training}\n")
    return _write(folder, manifest, card)
