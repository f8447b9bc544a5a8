"""Shared by the resume tests: train 3 steps straight, and 2 steps then resume for the third;
both runs must end with the same step and bit-identical weights (of each module named)."""
import subprocess
import sys
from pathlib import Path

import torch

TRAINING = Path(__file__).resolve().parents[1]


def assert_resume_is_exact(conf: Path, tmp_path: Path, *modules: str) -> dict:
    def run(runs: Path, *extra: str) -> None:
        subprocess.run([sys.executable, str(TRAINING / "train.py"), "--config", str(conf), "--runs", str(runs), *extra],
                       check=True, capture_output=True, cwd=TRAINING.parent)

    run(tmp_path / "straight")
    run(tmp_path / "split", "--stop-at-step", "2")
    run(tmp_path / "split", "--resume")
    a = torch.load(tmp_path / "straight" / "smoke" / "last.pt")
    b = torch.load(tmp_path / "split" / "smoke" / "last.pt")
    assert a["step"] == b["step"] == 3
    for module in modules:
        for k in a["weights"][module]:
            assert torch.equal(a["weights"][module][k], b["weights"][module][k]), (module, k)
    return a
