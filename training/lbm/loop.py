"""What every training loop shares: the cosine learning-rate schedule, stopping on a time budget
or at a step (the schedule itself unchanged, so a resumed run matches an uninterrupted one), and
the validate / keep-the-best / checkpoint step, and an optional moving average of the weights."""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import torch


@dataclass
class RunControl:
    cfg: dict
    max_minutes: float | None = None
    stop_at: int | None = None
    started: float = field(default_factory=time.time)
    _warm: float | None = None

    def fit_schedule(self, step: int, warm_up: int = 20, measure: int = 100) -> None:
        """`schedule: "time"` (a GPU run under a fixed time budget): measure the step rate once
        after a warm-up, then fix `max_steps` so the cosine decay ends with the budget."""
        if self.cfg.get("schedule") != "time" or self.max_minutes is None:
            return
        if step == warm_up:
            self._warm = time.time()
        elif step == warm_up + measure and self._warm is not None:
            rate = measure / (time.time() - self._warm)
            left = self.max_minutes * 60 - (time.time() - self.started)
            self.cfg["max_steps"] = step + int(rate * left * 0.97)
            print(f"schedule: {rate:.1f} steps/s, max_steps set to {self.cfg['max_steps']}", flush=True)

    def lr(self, step: int) -> float:
        """Cosine from `lr` to `lr_min` over `max_steps`, after an optional linear `warmup` (steps):
        Adam's first steps move every weight by about the full rate whatever its gradient's size;
        a ramp softens a second round's early fall below its starting score (training/README.md)."""
        t = min(1.0, step / self.cfg["max_steps"])
        cosine = self.cfg["lr_min"] + 0.5 * (self.cfg["lr"] - self.cfg["lr_min"]) * (1 + math.cos(math.pi * t))
        return cosine * min(1.0, (step + 1) / self.cfg.get("warmup", 0)) if self.cfg.get("warmup") else cosine

    def set_lr(self, opt: torch.optim.Optimizer, step: int) -> None:
        for g in opt.param_groups:
            g["lr"] = self.lr(step)

    @staticmethod
    def optimise(opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def stepped(self, step: int) -> bool:
        """After optimiser step number `step`: fit a time schedule if asked; True when stopping."""
        self.fit_schedule(step)
        return self.should_stop(step)

    def should_stop(self, step: int) -> bool:
        late = self.max_minutes is not None and time.time() - self.started > self.max_minutes * 60
        return late or step == self.stop_at

    def checkpoint(self, step: int, stopping: bool, best: float | None, validate: Callable[[], float],
                   save: Callable[[str, float | None], None], report: Callable[[float], str]) -> float | None:
        """Every `eval_every` steps, at the end and before stopping: validate, keep the best, save."""
        if not (step % self.cfg["eval_every"] == 0 or step == self.cfg["max_steps"] or stopping):
            return best
        score = validate()
        print(f"step {step} {report(score)}", flush=True)
        if best is None or score > best:
            best = score
            save("best.pt", best)
        save("last.pt", best)
        if stopping:
            print(f"stopped at step {step}")
        return best


class WeightAverage:
    """An exponential moving average of a network's weights (`ema` in a config: the decay per step),
    which a run validates, keeps and exports instead of the raw weights. Why: a CPU round runs at
    batch 16, where each step's gradient is noisy, and 2.2.0's removal rounds fell below their
    start within a hundred steps; the average over the last 1 / (1 - decay) steps smooths that
    noise (how far it helped: training/README.md). It starts equal to the network (`reset`, from
    checkpoint.start), so at step 0 it scores what the network scores."""

    def __init__(self, module: torch.nn.Module, decay: float):
        if not 0.0 < decay < 1.0:
            raise ValueError(f"ema: the decay must lie in (0, 1), not {decay}")
        self.decay = decay
        self.module = copy.deepcopy(module).requires_grad_(False)

    @torch.no_grad()
    def update(self, module: torch.nn.Module) -> None:
        """After an optimiser step: average <- decay * average + (1 - decay) * weights."""
        for avg, now in zip(self.module.parameters(), module.parameters()):
            avg.lerp_(now, 1.0 - self.decay)
        for avg, now in zip(self.module.buffers(), module.buffers()):
            avg.copy_(now)

    def reset(self, module: torch.nn.Module) -> None:
        """The average made equal to the network: where a run starts (fresh, `init`, or a resumed run
        whose checkpoint holds no average)."""
        self.module.load_state_dict(module.state_dict())
