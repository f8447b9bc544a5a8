"""Checkpoints hold everything a run needs to continue exactly where it stopped: the model
arguments, the config, the step, the best metric so far, the weights, the optimiser and every
random generator the run draws from."""
from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch


def save(path: Path, *, model_args: dict, config: dict, step: int, best: float | None,
         modules: dict[str, torch.nn.Module], optimizer: torch.optim.Optimizer, data_gen: torch.Generator) -> None:
    state = {
        "model_args": model_args, "config": config, "step": step, "best": best,
        "weights": {k: m.state_dict() for k, m in modules.items()},
        "optimizer": optimizer.state_dict(),
        "rng": {"torch": torch.get_rng_state(), "data": data_gen.get_state(),
                "numpy": np.random.get_state(), "python": random.getstate()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a run killed mid-save keeps its previous checkpoint


def _numpy2_aliases() -> None:
    """Checkpoints written under NumPy 2 (the GPU machine) pickle its random state as `numpy._core`;
    NumPy 1 (Debian's, here) calls that module `numpy.core`."""
    if not hasattr(np, "_core"):
        import sys
        import numpy.core.multiarray
        sys.modules.setdefault("numpy._core", np.core)
        sys.modules.setdefault("numpy._core.multiarray", np.core.multiarray)


def load(path: Path) -> dict[str, Any]:
    _numpy2_aliases()
    # Not weights-only: checkpoints hold configs and random states (PyTorch 2.6+ defaults to True).
    return torch.load(path, map_location="cpu", weights_only=False)


def restore(state: dict[str, Any], modules: dict[str, torch.nn.Module], optimizer: torch.optim.Optimizer | None,
            data_gen: torch.Generator | None) -> None:
    for k, m in modules.items():
        m.load_state_dict(state["weights"][k])
    if optimizer is not None:
        optimizer.load_state_dict(state["optimizer"])
    rng = state["rng"]
    torch.set_rng_state(rng["torch"])
    np.random.set_state(rng["numpy"])
    random.setstate(rng["python"])
    if data_gen is not None:
        data_gen.set_state(rng["data"])


def vae_config(model_args: dict):
    """The VaeConfig a VAE or preview-decoder checkpoint was trained with."""
    from .models import VaeConfig
    a = model_args
    return VaeConfig(latent_channels=a["latent_channels"], widths=tuple(a["widths"]), blocks=a["blocks"], groups=a["groups"])


def load_vae(path: Path):
    """The encoder and decoder of a VAE checkpoint (train.py, kind vae), and the checkpoint itself."""
    from .models import Decoder, Encoder
    state = load(path)
    cfg = vae_config(state["model_args"])
    enc, dec = Encoder(cfg), Decoder(cfg)
    enc.load_state_dict(state["weights"]["encoder"])
    dec.load_state_dict(state["weights"]["decoder"])
    return enc, dec, state


def load_preview_decoder(path: Path):
    """The decoder of a preview-decoder checkpoint (train.py, kind preview-decoder), in eval mode,
    with its VaeConfig and the checkpoint itself."""
    from .models import Decoder
    state = load(path)
    cfg = vae_config(state["model_args"])
    dec = Decoder(cfg)
    dec.load_state_dict(state["weights"]["decoder"])
    return dec.eval(), cfg, state


def _widen_inputs(module: torch.nn.Module, weights: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], list[str]]:
    """A second round may append conditioning channels (a shadow model given a projection hint):
    a conv weight of `init` with fewer input channels than the module's gets zero weights for the
    new ones, so the network starts as it was and learns to use them."""
    own = module.state_dict()
    out, widened = dict(weights), []
    for k, v in weights.items():
        mine = own.get(k)
        if mine is not None and v.dim() == 4 and mine.shape[1] > v.shape[1] and mine.shape[:1] + mine.shape[2:] == v.shape[:1] + v.shape[2:]:
            grown = torch.zeros_like(mine)
            grown[:, :v.shape[1]] = v
            out[k] = grown
            widened.append(k)
    return out, widened


def start(run: Path, resume: bool, init: Path | None, name: str, module: torch.nn.Module,
          optimizer: torch.optim.Optimizer, data_gen: torch.Generator, average=None) -> tuple[int, float | None]:
    """Where a training loop begins: its own last checkpoint with `resume`, else the weights of
    `init` (a second round from another run), else from scratch. Returns (step, best).
    With `average` (loop.WeightAverage), the checkpoints hold the average under `name` (what is
    validated and exported) and the trained weights under `name`_train; both are restored."""
    if resume and (run / "last.pt").exists():
        state = load(run / "last.pt")
        averaged = average is not None and f"{name}_train" in state["weights"]
        restore(state, {f"{name}_train": module, name: average.module} if averaged else {name: module}, optimizer, data_gen)
        if average is not None and not averaged:
            average.reset(module)
        return state["step"], state["best"]
    if init is not None:
        # A second round may add modules that start as the identity (SegNet's context branch, a
        # UNet's extra blocks), whose weights `init` lacks, or input channels (_widen_inputs);
        # anything else must match.
        weights, widened = _widen_inputs(module, load(init)["weights"][name])
        missing, unexpected = module.load_state_dict(weights, strict=False)
        if unexpected or any(not re.search(r"\.context\.|_extra\.", k) for k in missing):
            raise SystemExit(f"{init} does not fit the model: missing {missing}, unexpected {unexpected}")
        notes = []
        if missing:
            notes.append(f"{len(missing)} new tensors start afresh")
        if widened:
            notes.append(f"new input channels of {', '.join(widened)} start at zero")
        print(f"initialised from {init}" + (f" ({'; '.join(notes)})" if notes else ""), flush=True)
    if average is not None:
        average.reset(module)  # the average starts where the network starts (init or fresh weights)
    return 0, None

