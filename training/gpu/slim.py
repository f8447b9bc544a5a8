"""Copies each run's best checkpoint without its optimiser state and with half-precision weights
(a sixth of the size), so the four fit what the device tool brings back (16 MiB a file):
`slim.py RUNS OUT`. load_state_dict turns the weights back into float32; rounding them to half
precision changes outputs far less than the 8-bit images they end in."""
import sys
from pathlib import Path

import torch

runs, out = Path(sys.argv[1]), Path(sys.argv[2])
for best in sorted(runs.glob("*/*/best.pt")):  # RUNS/<task>/<name>/best.pt
    state = torch.load(best, map_location="cpu", weights_only=False)
    state.pop("optimizer", None)
    state["weights"] = {k: {n: t.half() if t.is_floating_point() else t for n, t in w.items()} for k, w in state["weights"].items()}
    task = best.parent.parent.name
    torch.save(state, out / f"{task}.pt")
    print(f"{task}: step {state['step']}, best {state['best']:.4f}, {(out / f'{task}.pt').stat().st_size >> 20} MiB")
