"""Smoke test of the task-model pipeline on a fake render cache: pairs, two training steps of the
LBM objective on a frozen tiny VAE, exact resume, and export to a bundle."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from lbm import checkpoint  # noqa: E402
from lbm.models import Decoder, Encoder, VaeConfig  # noqa: E402
from lbm.pairs import PairSampler, load_scenes, mirrored  # noqa: E402
from lbm.light import Light  # noqa: E402
from resume import assert_resume_is_exact  # noqa: E402


def fake_cache(root: Path, n: int = 3, size: int = 64) -> Path:
    rng = np.random.default_rng(0)
    for i in range(n):
        d = root / "scenes" / f"{i:06d}"
        d.mkdir(parents=True)
        for name in ("shadow", "noshadow", "empty", "relit"):
            Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8)).save(d / f"{name}.png")
        mask = np.zeros((size, size), np.uint8)
        mask[20:40, 20:40] = 255
        Image.fromarray(mask).save(d / "mask.png")
        light = {"azimuth": 30.0 * i, "elevation": 40.0, "softness": 0.3, "intensity": 1.0, "colour": [1, 1, 1]}
        (d / "meta.json").write_text(json.dumps({"split": "test" if i == n - 1 else "train", "light": light, "light2": light}))
    return root


def test_pairs_flip_mirrors_the_light(tmp_path):
    scenes = load_scenes(fake_cache(tmp_path), "remove", "train")
    assert len(scenes) == 2
    b = PairSampler(scenes, "remove").batch(4, torch.Generator().manual_seed(0))
    assert b["source"].shape == (4, 3, 64, 64) and b["mask"].shape == (4, 1, 64, 64)
    # the removal source is noise inside the (loosened) mask
    assert mirrored(Light(30, 40, 0.3, 1.0)).azimuth == 150


def smoke_config(tmp_path: Path, **extra) -> Path:
    """A 3-step shadow run of a tiny UNet on a fake render cache and a frozen tiny VAE."""
    cache = fake_cache(tmp_path / "cache")
    vcfg = VaeConfig(latent_channels=4, widths=(8, 16), blocks=1, groups=4)
    enc, dec = Encoder(vcfg), Decoder(vcfg)
    opt = torch.optim.AdamW(list(enc.parameters()) + list(dec.parameters()))
    checkpoint.save(tmp_path / "vae.pt", model_args=vcfg.__dict__ | {"widths": [8, 16]}, config={}, step=0, best=None,
                    modules={"encoder": enc, "decoder": dec}, optimizer=opt, data_gen=torch.Generator())
    cfg = json.loads((ROOT / "configs" / "shadow.json").read_text())
    cfg.update(name="smoke", batch=2, max_steps=3, eval_every=1,
               unet={"widths": [8, 16], "blocks": 1, "groups": 4, "time_dim": 8, "time_hidden": 16},
               vae={"checkpoint": str(tmp_path / "vae.pt"), "id": "tiny-vae", "scale": None},
               data={"renders": str(cache)}, bridge=dict(cfg["bridge"], pixel_crop=32))
    cfg.update(extra)
    conf = tmp_path / "shadow.json"
    conf.write_text(json.dumps(cfg))
    return conf


def test_lbm_training_resumes_and_exports(tmp_path):
    conf = smoke_config(tmp_path)
    a = assert_resume_is_exact(conf, tmp_path, "unet")
    assert a["config"]["vae"]["scale"] > 0  # measured and kept with the run

    out = tmp_path / "bundle" / "t-shadow"
    subprocess.run([sys.executable, str(ROOT / "export.py"), "lbm", "--checkpoint", str(tmp_path / "straight" / "smoke" / "best.pt"),
                    "--id", "t-shadow", "--name", "test", "--out", str(out)], check=True, capture_output=True)
    manifest = json.loads((out / "model.json").read_text())
    assert manifest["task"] == "shadow" and manifest["vae"]["scale"] == a["config"]["vae"]["scale"]
    assert [c["kind"] for c in manifest["conditioning"]] == ["mask", "lightMap"]


def test_weight_average_is_kept_resumed_and_exported(tmp_path):
    """With `ema`, checkpoints hold the average (validated, exported) and the trained weights apart,
    and a resumed run restores both exactly."""
    conf = smoke_config(tmp_path, ema=0.5)
    a = assert_resume_is_exact(conf, tmp_path, "unet", "unet_train")
    avg, now = a["weights"]["unet"], a["weights"]["unet_train"]
    assert any(not torch.equal(avg[k], now[k]) for k in avg)  # the average lags the trained weights

    out = tmp_path / "bundle" / "t-shadow"
    subprocess.run([sys.executable, str(ROOT / "export.py"), "lbm", "--checkpoint", str(tmp_path / "straight" / "smoke" / "last.pt"),
                    "--id", "t-shadow", "--name", "test", "--out", str(out)], check=True, capture_output=True)
    shipped = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(out / "denoiser.onnx")).graph.initializer}
    name = "conv_in.weight"
    assert np.array_equal(shipped[name], avg[name].numpy()) and not np.array_equal(shipped[name], now[name].numpy())
