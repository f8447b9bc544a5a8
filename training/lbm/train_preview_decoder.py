"""Distils the VAE's decoder into a smaller one for the live preview (`kind: preview-decoder`).

The live preview re-runs the denoiser and the decoder on every light move, and the decoder is its
largest part. The preview only carries the low frequencies of the edit over to the photo (the
output minus the same decoder's reconstruction of the source, through a guided filter), so a
decoder that is a little softer costs the preview little. The student has the teacher's layout
with narrower widths; it learns the teacher's output (not the photo), so both decode a latent
alike. Its inputs are the frozen encoder's latents of renders and cut-out composites from the
pack, with the same relative noise the VAE was trained with, as the denoiser's latents are never
exact. Validation: PSNR of the student against the teacher on the held-out validation scenes."""
from __future__ import annotations

from pathlib import Path

import torch

from . import checkpoint
from .losses import pixel_loss, psnr
from .loop import RunControl
from .models import Decoder, VaeConfig, param_count
from .packed import Pack


def student_config(cfg: dict, teacher: VaeConfig) -> VaeConfig:
    m = cfg["model"]
    return VaeConfig(latent_channels=teacher.latent_channels, widths=tuple(m["widths"]), blocks=m["blocks"], groups=m["groups"])


def noisy(z: torch.Tensor, level: float, gen: torch.Generator) -> torch.Tensor:
    return z + level * z.std() * torch.randn(z.shape, generator=gen)


def train_preview_decoder(cfg: dict, root: Path, run: Path, resume: bool, max_minutes: float | None,
                          stop_at: int | None) -> None:
    torch.manual_seed(cfg["seed"])
    enc, teacher, state = checkpoint.load_vae(root / cfg["teacher"])
    tcfg = checkpoint.vae_config(state["model_args"])
    for m in (enc, teacher):
        m.eval().requires_grad_(False)
    scfg = student_config(cfg, tcfg)
    student = Decoder(scfg)
    print(f"preview decoder: {scfg}, {param_count(student):,} params (teacher {param_count(teacher):,})", flush=True)
    pack = Pack(root / cfg["data"]["pack"], torch.device("cpu"), cfg["data"]["crop"], cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"])
    with torch.no_grad():
        val_z = enc(pack.batch("segment", 32, "val")["image"])
        val_target = teacher(val_z)
    opt = torch.optim.AdamW(student.parameters(), lr=cfg["lr"], weight_decay=0.0)
    step, best = checkpoint.start(run, resume, None, "decoder", student, opt, gen)
    model_args = scfg.__dict__ | {"widths": list(scfg.widths)}
    save = lambda name, best: checkpoint.save(run / name, model_args=model_args, config=cfg, step=step, best=best,
                                              modules={"decoder": student}, optimizer=opt, data_gen=gen)

    @torch.no_grad()
    def validate() -> float:
        student.eval()
        score = psnr(student(val_z), val_target)
        student.train()
        return score

    ctl = RunControl(cfg, max_minutes, stop_at)
    while step < cfg["max_steps"]:
        ctl.set_lr(opt, step)
        with torch.no_grad():
            z = noisy(enc(pack.batch("segment", cfg["batch"])["image"]), cfg["latent_noise"], gen)
            target = teacher(z)
        loss = pixel_loss(student(z), target, cfg["gradient_weight"])
        ctl.optimise(opt, loss)
        step += 1
        stopping = ctl.stepped(step)
        best = ctl.checkpoint(step, stopping, best, validate, save,
                              lambda score: f"loss {loss.item():.4f} val PSNR vs teacher {score:.2f} dB lr {ctl.lr(step):.2e}")
        if stopping:
            break
