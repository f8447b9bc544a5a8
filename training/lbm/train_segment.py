"""The training loop of the subject segmentation network (`kind: segment` configs, issue #10):
SegNet (lbm/models.py) on renders and cut-out composites cut on the device by lbm/packed.py, with
binary cross-entropy plus a soft Dice loss (Dice keeps small subjects from being ignored). The
cross-entropy can weigh the subject's cast shadow 1 + `data.shadow_weight` times: a shadow taken
into the mask was the model's most common mistake on the evaluation sheets.
Validation: mean IoU on the held-out validation scenes' centre crops, or, with `data.val_long_side`,
as the app runs it: the average of the mean IoU on the held-out scenes' whole frames resized to that
working size and on fixed composites of held-out cut-outs and photos (Pack.segment_validation).
`data.render_scale` zooms the render crops of training batches by a random factor in that range."""
from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from . import checkpoint
from .loop import RunControl
from .models import SegConfig, SegNet, param_count
from .packed import Pack


def dice_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    p = torch.sigmoid(logits)
    inter = (p * target).sum(dim=(1, 2, 3))
    return (1 - (2 * inter + 1) / (p.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3)) + 1)).mean()


def mean_iou(prob: torch.Tensor, target: torch.Tensor) -> float:
    pred, truth = prob > 0.5, target > 0.5
    inter = (pred & truth).sum(dim=(1, 2, 3)).float()
    union = (pred | truth).sum(dim=(1, 2, 3)).float().clamp(min=1)
    return (inter / union).mean().item()


def train_segment(cfg: dict, root: Path, run: Path, resume: bool, max_minutes: float | None, stop_at: int | None,
                  device: torch.device = torch.device("cpu")) -> None:
    torch.manual_seed(cfg["seed"])
    scale = cfg["data"].get("render_scale")
    pack = Pack(root / cfg["data"]["pack"], device, cfg["data"].get("crop", 224), cfg["seed"],
                render_scale=tuple(scale) if scale else None)
    scfg = SegConfig(**{k: tuple(v) if k == "widths" else v for k, v in cfg["model"].items()})
    net = SegNet(scfg).to(device)
    print(f"segment: SegNet {param_count(net):,} params on {device}, {pack.summary()}", flush=True)
    long_side = cfg["data"].get("val_long_side")
    val = pack.segment_validation(long_side) if long_side else pack.batch("segment", 64, "val")
    opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=1e-4)
    gen = torch.Generator().manual_seed(cfg["seed"])
    init = root / cfg["init"] if cfg.get("init") else None
    step, best = checkpoint.start(run, resume, init, "segnet", net, opt, gen)
    model_args = {"seg": scfg.__dict__ | {"widths": list(scfg.widths)}}
    save = lambda name, best: checkpoint.save(run / name, model_args=model_args, config=cfg, step=step, best=best,
                                              modules={"segnet": net}, optimizer=opt, data_gen=gen)

    @torch.no_grad()
    def validate() -> float:
        net.eval()
        if long_side:
            r, c = val["renders"], val["composites"]
            prob = torch.cat([net(r["image"][i:i + 16]) for i in range(0, len(r["image"]), 16)])
            prob = F.interpolate(prob, size=r["mask"].shape[-2:], mode="bilinear", align_corners=False)
            parts = mean_iou(prob, r["mask"]), mean_iou(net(c["image"]), c["mask"])
            print(f"  validation IoU: renders {parts[0]:.4f}, composites {parts[1]:.4f}", flush=True)
            score = sum(parts) / 2
        else:
            score = mean_iou(net(val["image"]), val["mask"])
        net.train()
        return score

    if step == 0 and init is not None:  # the bar a round must clear to ship (training/README.md)
        print(f"validation IoU of the initial weights: {validate():.4f}", flush=True)
    ctl = RunControl(cfg, max_minutes, stop_at)
    while step < cfg["max_steps"]:
        ctl.set_lr(opt, step)
        b = pack.batch("segment", cfg["batch"])
        logits = net.logits(b["image"])
        weight = 1 + cfg["data"].get("shadow_weight", 0.0) * b["shadow"]
        loss = F.binary_cross_entropy_with_logits(logits, b["mask"], weight=weight) + dice_loss(logits, b["mask"])
        ctl.optimise(opt, loss)
        step += 1
        stopping = ctl.stepped(step)
        best = ctl.checkpoint(step, stopping, best, validate, save, lambda score: f"loss {loss.item():.4f} val IoU {score:.4f}")
        if stopping:
            break
