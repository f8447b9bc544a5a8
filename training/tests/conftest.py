import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # makes `lbm` importable
sys.path.insert(0, str(Path(__file__).resolve().parent))  # and the shared test helpers
torch.set_num_threads(2)
