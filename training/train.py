"""Trains a network from a config: `kind: vae` (the shared autoencoder), `kind: lbm` (a task
model on a trained VAE, lbm/train_lbm.py), `kind: segment` (subject selection, lbm/train_segment.py)
or `kind: preview-decoder` (the live preview's distilled decoder, lbm/train_preview_decoder.py).

    /usr/bin/python3 training/train.py --config training/configs/vae.json [--max-minutes M] [--resume]

Checkpoints (`.cache/runs/<name>/last.pt` and `best.pt`) hold the model arguments, the config, the
step, the best validation metric, the optimiser and all random states: `--resume` continues
exactly. Stopping on --max-minutes writes a checkpoint first."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lbm import checkpoint  # noqa: E402
from lbm.data import PHOTOS, CropSampler, load_rgb, training_photos, training_renders  # noqa: E402
from lbm.loop import RunControl  # noqa: E402
from lbm.losses import pixel_loss, psnr  # noqa: E402
from lbm.models import Decoder, Encoder, VaeConfig, param_count  # noqa: E402
from lbm.train_lbm import train_lbm  # noqa: E402
from lbm.train_preview_decoder import train_preview_decoder  # noqa: E402
from lbm.train_segment import train_segment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def vae_config(cfg: dict) -> VaeConfig:
    m = cfg["model"]
    return VaeConfig(latent_channels=m["latent_channels"], widths=tuple(m["widths"]), blocks=m["blocks"], groups=m["groups"])


def load_data(cfg: dict) -> tuple[CropSampler, torch.Tensor]:
    d = cfg["data"]
    photos = training_photos(Path(d["photos"]) if d.get("photos") else PHOTOS)[: d.get("limit")]
    if not photos:
        raise SystemExit(f"no training photos under {d.get('photos') or PHOTOS} (set data.photos or LBM_PHOTOS)")
    val_files = photos[::d["val_every_nth"]]
    renders = training_renders(ROOT / d["renders"])[: d.get("limit")]
    train_files = [p for p in photos if p not in val_files] + renders
    train = [load_rgb(p, d["max_side"]) for p in train_files]
    train = [a for a in train if min(a.shape[:2]) >= d["crop"]]
    # Validation: the centre crop of each held-out photo, fixed for the whole run.
    arrays = [load_rgb(p, d["max_side"]) for p in val_files]
    c = min([256] + [min(a.shape[:2]) for a in arrays]) // 8 * 8
    val = []
    for a in arrays:
        h, w, _ = a.shape
        y, x = (h - c) // 2, (w - c) // 2
        val.append(torch.from_numpy(a[y:y + c, x:x + c].copy()).permute(2, 0, 1).float() / 127.5 - 1)
    print(f"data: {len(train)} training images ({len(renders)} renders), {len(val)} validation crops of {c} px")
    return CropSampler(train, d["crop"]), torch.stack(val)


@torch.no_grad()
def validate(enc: Encoder, dec: Decoder, val: torch.Tensor) -> float:
    enc.eval(), dec.eval()
    scores = [psnr(dec(enc(v[None])), v[None]) for v in val]
    enc.train(), dec.train()
    return sum(scores) / len(scores)


def train_vae(cfg: dict, run: Path, resume: bool, max_minutes: float | None, stop_at: int | None = None) -> None:
    torch.manual_seed(cfg["seed"])
    vcfg = vae_config(cfg)
    enc, dec = Encoder(vcfg), Decoder(vcfg)
    print(f"VAE {vcfg}: encoder {param_count(enc):,} params, decoder {param_count(dec):,}")
    opt = torch.optim.AdamW(list(enc.parameters()) + list(dec.parameters()), lr=cfg["lr"], weight_decay=0.0)
    gen = torch.Generator().manual_seed(cfg["seed"])
    step, best = 0, None
    modules = {"encoder": enc, "decoder": dec}
    if resume and (run / "last.pt").exists():
        state = checkpoint.load(run / "last.pt")
        checkpoint.restore(state, modules, opt, gen)
        step, best = state["step"], state["best"]
        print(f"resumed at step {step} (best {best})")
    elif cfg.get("init"):
        # A second phase: start from another run's weights, with this config's own schedule.
        for k, m in modules.items():
            m.load_state_dict(checkpoint.load(ROOT / cfg["init"])["weights"][k])
        print(f"initialised from {cfg['init']}")
    sampler, val = load_data(cfg)
    save = lambda name, best: checkpoint.save(run / name, model_args=vcfg.__dict__ | {"widths": list(vcfg.widths)}, config=cfg,
                                              step=step, best=best, modules=modules, optimizer=opt, data_gen=gen)
    ctl = RunControl(cfg, max_minutes, stop_at)
    seen = 0
    while step < cfg["max_steps"]:
        ctl.set_lr(opt, step)
        x = sampler.batch(cfg["batch"], gen)
        z = enc(x)
        noisy = z + cfg["latent_noise"] * z.detach().std() * torch.randn(z.shape, generator=gen)
        loss = pixel_loss(dec(noisy), x, cfg["gradient_weight"]) + cfg["latent_l2"] * z.pow(2).mean()
        ctl.optimise(opt, loss)
        step += 1
        seen += x.shape[0]
        stopping = ctl.stepped(step)
        rate = lambda: seen / (time.time() - ctl.started)
        best = ctl.checkpoint(step, stopping, best, lambda: validate(enc, dec, val), save,
                              lambda score: f"loss {loss.item():.4f} val PSNR {score:.2f} dB lr {ctl.lr(step):.2e} {rate():.1f} img/s")
        if stopping:
            break


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--max-minutes", type=float, help="stop (with a checkpoint) after this long")
    ap.add_argument("--stop-at-step", type=int, help="stop (with a checkpoint) at this step; the schedule is unchanged")
    ap.add_argument("--runs", type=Path, default=ROOT / ".cache" / "runs")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda on a GPU machine (kinds lbm and segment)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    torch.backends.cudnn.benchmark = device.type == "cuda"  # fixed batch shapes: let cuDNN pick its kernels
    cfg = json.loads(args.config.read_text())
    if cfg["kind"] == "vae":
        train_vae(cfg, args.runs / cfg["name"], args.resume, args.max_minutes, args.stop_at_step)
    elif cfg["kind"] == "lbm":
        train_lbm(cfg, ROOT, args.runs / cfg["name"], args.resume, args.max_minutes, args.stop_at_step, device)
    elif cfg["kind"] == "segment":
        train_segment(cfg, ROOT, args.runs / cfg["name"], args.resume, args.max_minutes, args.stop_at_step, device)
    elif cfg["kind"] == "preview-decoder":
        train_preview_decoder(cfg, ROOT, args.runs / cfg["name"], args.resume, args.max_minutes, args.stop_at_step)
    else:
        raise SystemExit(f"unknown kind {cfg['kind']!r} (known: vae, lbm, segment, preview-decoder)")


if __name__ == "__main__":
    main()
