"""The training loop of a task model (`kind: lbm` configs): a UNet bridge denoiser on the latents
of a frozen, already trained VAE, with the objective of lbm/bridge.py and pairs of lbm/pairs.py."""
from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from . import checkpoint
from .bridge import BridgeConfig, bridge_loss
from .bundle import Conditioning, LbmSpec, VaeRef
from .light import LightMapSpec, light_map_tensor
from .projection import projection_tensor
from .loop import RunControl, WeightAverage
from .losses import luma, psnr
from .models import UNet, UNetConfig, param_count
from .packed import Pack
from .pairs import PairSampler, load_scenes
from .sampler import sample


def spec_from(cfg: dict, vae: VaeRef) -> LbmSpec:
    lm = cfg.get("light_map")
    return LbmSpec(task=cfg["task"], vae=vae, bridge_noise_sigma=cfg["bridge"]["bridge_noise_sigma"],
                   conditioning=tuple(Conditioning(**c) for c in cfg["conditioning"]),
                   light_map=LightMapSpec(spread_min=lm["spread_min"], spread_max=lm["spread_max"]) if lm else None,
                   max_long_side=cfg.get("max_long_side", 1024), hole_fill=cfg.get("data", {}).get("remove_fill"))


def conditioning(spec: LbmSpec, batch: dict, encode, size: tuple[int, int]) -> torch.Tensor | None:
    """The conditioning channels in manifest order, at latent size (as the app builds them)."""
    h, w = size
    maps = []
    for c in spec.conditioning:
        if c.kind == "mask":
            mode = {"bilinear": dict(mode="bilinear", align_corners=False), "area": dict(mode="area"), "nearest": dict(mode="nearest")}[c.resize]
            maps.append(F.interpolate(batch["mask"], size=(h, w), **mode))
        elif c.kind == "shadowProjection":
            mask = F.interpolate(batch["mask"], size=(h, w), mode="bilinear", align_corners=False)
            maps.append(projection_tensor(mask, batch["lights"], c.sweep))
        elif c.kind == "lightMap":
            maps.append(torch.cat([light_map_tensor(spec.light_map, c.channels, [l] if l else [], w, h)
                                   for l in batch["lights"]]).to(batch["mask"].device))
        else:
            maps.append(encode(batch["background"]))
    return torch.cat(maps, dim=1) if maps else None


class RenderPairs:
    """Pairs straight from the render cache, on the CPU (lbm/pairs.py): small runs and tests."""

    def __init__(self, cfg: dict, root: Path):
        if cfg["data"].get("remove_fill", "noise") != "noise":
            raise SystemExit("data.remove_fill other than noise needs data.pack (lbm/packed.py)")
        cache = root / cfg["data"]["renders"]
        self.train = PairSampler(load_scenes(cache, cfg["task"], "train", cfg["data"].get("limit")), cfg["task"])
        val_scenes = load_scenes(cache, cfg["task"], "test", cfg["data"].get("limit")) or self.train.scenes
        self.val = PairSampler(val_scenes, cfg["task"]).batch(min(8, len(val_scenes)), torch.Generator().manual_seed(1))
        self.summary = f"{len(self.train.scenes)} train scenes, {len(val_scenes)} validation"

    def batch(self, n: int, gen: torch.Generator) -> dict:
        return self.train.batch(n, gen)


class PackedPairs:
    """Pairs cut on the training device from a pack (training/pack.py, lbm/packed.py)."""

    def __init__(self, cfg: dict, root: Path, device: torch.device):
        data = cfg["data"]
        self.pack = Pack(root / data["pack"], device, data.get("crop", 224), cfg["seed"], data.get("relight_cutouts", 0.0),
                         data.get("shadow_photos", 0.0), data.get("remove_fill", "noise"),
                         shadow_light2=data.get("shadow_light2", 0.0),
                         shadow_light3=data.get("shadow_light3", 0.0))
        self.task = cfg["task"]
        self.val = self.pack.batch(self.task, 32, "val")
        self.summary = self.pack.summary()

    def batch(self, n: int, gen: torch.Generator) -> dict:
        return self.pack.batch(self.task, n)  # the pack draws from its own seeded generators


def shadow_iou(source: torch.Tensor, edited: torch.Tensor, target: torch.Tensor, mask: torch.Tensor,
               drop: float = 0.05) -> float:
    """Mean IoU of the cast-shadow region (darker than the source by `drop`, outside the subject),
    the metric of training/eval/eval_shadow.py; 1 where both regions are empty."""
    outside = mask < 0.05
    pred = (luma(source) - luma(edited) > drop) & outside
    true = (luma(source) - luma(target) > drop) & outside
    inter, union = (pred & true).sum(dim=(1, 2, 3)).float(), (pred | true).sum(dim=(1, 2, 3)).float()
    return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union)).mean().item()


def validation_score(task: str, val: dict, out: torch.Tensor, edited: torch.Tensor) -> float:
    """Higher is better. shadow: shadow IoU; relight: PSNR on the subject; remove: PSNR of the
    decoded output inside the mask (removal pastes the decoded pixels there, and only there,
    as the evaluation's in-mask PSNR measures)."""
    if task == "shadow":
        return shadow_iou(val["source"], edited, val["target"], val["mask"])
    m = val["mask"].expand_as(edited) > 0.5
    if task == "relight":
        return psnr(edited[m], val["target"][m])
    return psnr(out[m], val["target"][m])


def train_lbm(cfg: dict, root: Path, run: Path, resume: bool, max_minutes: float | None, stop_at: int | None,
              device: torch.device = torch.device("cpu")) -> None:
    torch.manual_seed(cfg["seed"])
    enc, dec, _ = checkpoint.load_vae(root / cfg["vae"]["checkpoint"])
    enc, dec = enc.to(device), dec.to(device)
    for p in list(enc.parameters()) + list(dec.parameters()):
        p.requires_grad_(False)
    enc.eval(), dec.eval()
    data = PackedPairs(cfg, root, device) if cfg["data"].get("pack") else RenderPairs(cfg, root)
    val = data.val
    gen = torch.Generator().manual_seed(cfg["seed"])
    latent_channels = enc.conv_out.out_channels
    if cfg["vae"].get("scale") is None:
        # Unit-variance latents, as SDXL's 0.13025 does for its VAE: measured once, then fixed in the config.
        with torch.no_grad():
            cfg["vae"]["scale"] = float(1.0 / enc(data.batch(32, torch.Generator().manual_seed(2))["target"]).std())
    vae = VaeRef(id=cfg["vae"]["id"], latent_channels=latent_channels, scale=cfg["vae"]["scale"], shift=cfg["vae"].get("shift", 0.0))
    spec = spec_from(cfg, vae)
    ucfg = UNetConfig(latent_channels=latent_channels, cond_channels=spec.cond_channels, **{k: tuple(v) if k == "widths" else v for k, v in cfg["unet"].items()})
    unet = UNet(ucfg).to(device)
    bcfg = BridgeConfig(scale=vae.scale, shift=vae.shift, **{k: tuple(v) if k == "sigma_law" else v for k, v in cfg["bridge"].items()})
    print(f"{spec.task}: UNet {param_count(unet):,} params on {device}, {data.summary}, latent scale {vae.scale:.4f}", flush=True)
    opt = torch.optim.AdamW(unet.parameters(), lr=cfg["lr"], weight_decay=0.0)
    init = root / cfg["init"] if cfg.get("init") else None
    average = WeightAverage(unet, cfg["ema"]) if cfg.get("ema") else None
    step, best = checkpoint.start(run, resume, init, "unet", unet, opt, gen, average)
    encode = lambda x: vae.normalise(enc(x))
    model_args = {"unet": ucfg.__dict__ | {"widths": list(ucfg.widths)}, "spec": {"vae": vae.to_json()}}
    # What is validated is what is kept under "unet" and exported: the average when there is one.
    shipped = average.module if average is not None else unet
    modules = {"unet": shipped, "unet_train": unet} if average is not None else {"unet": unet}
    save = lambda name, best: checkpoint.save(run / name, model_args=model_args, config=cfg, step=step, best=best,
                                              modules=modules, optimizer=opt, data_gen=gen)

    @torch.no_grad()
    def validate() -> float:
        shipped.eval()
        z_src = encode(val["source"])
        cond = conditioning(spec, val, encode, z_src.shape[-2:])
        out = dec(vae.denormalise(sample(shipped, z_src, cond, 1, spec.bridge_noise_sigma)))
        # As the app does for shadow and relight: only the decoded change is applied to the
        # source, so the VAE's own reconstruction error does not drown the edit being measured.
        edited = (val["source"] + out - dec(vae.denormalise(z_src))).clamp(-1, 1)
        shipped.train()
        return validation_score(spec.task, val, out, edited)

    if step == 0 and init is not None:  # the bar a round must clear to ship (training/README.md)
        print(f"validation score of the initial weights: {validate():.4f}", flush=True)
    ctl = RunControl(cfg, max_minutes, stop_at)
    while step < cfg["max_steps"]:
        ctl.set_lr(opt, step)
        b = data.batch(cfg["batch"], gen)
        with torch.no_grad():
            z_src, z_tgt = encode(b["source"]), encode(b["target"])
            cond = conditioning(spec, b, encode, z_src.shape[-2:])
        loss, parts = bridge_loss(unet, dec, z_src, z_tgt, cond, b["target"], bcfg, gen, b["source"], b["mask"])
        ctl.optimise(opt, loss)
        if average is not None:
            average.update(unet)
        step += 1
        stopping = ctl.stepped(step)
        best = ctl.checkpoint(step, stopping, best, validate, save,
                              lambda score: f"loss {loss.item():.4f} (latent {parts['latent']:.4f}, pixel {parts['pixel']:.4f}) val 1-step {'shadow IoU' if spec.task == 'shadow' else 'PSNR'} {score:.3f}")
        if stopping:
            break
