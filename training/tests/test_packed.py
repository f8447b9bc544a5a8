"""The GPU-side data path (training/pack.py -> lbm/packed.py) on a fake pack, on the CPU: every
task's batch has the pairs its table promises, and a task model and the segmentation network each
train a few steps from it through train.py."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import pack  # noqa: E402
from lbm import checkpoint  # noqa: E402
from lbm.models import Decoder, Encoder, VaeConfig  # noqa: E402
from lbm.light import Light  # noqa: E402
from lbm.packed import Pack, cast_shadow, relit_cutout, shadow_on_photo  # noqa: E402
from test_train_lbm import fake_cache  # noqa: E402


def fake_pack(tmp: Path) -> Path:
    cache = fake_cache(tmp / "cache", n=12)
    for i, meta in enumerate(sorted((cache / "scenes").glob("*/meta.json"))):  # scenes 0 and 10 validate
        m = json.loads(meta.read_text())
        meta.write_text(json.dumps(m | {"scene_id": i, "split": "train"}))
    out = tmp / "pack"
    assert pack.pack_renders(cache, out) == 12
    rng = np.random.default_rng(1)
    (out / "photos").mkdir()
    for i in range(3):
        Image.fromarray(rng.integers(0, 255, (70, 90, 3), dtype=np.uint8)).save(out / "photos" / f"{i}.webp", lossless=True)
    bank = np.zeros((5, 64, 64), bool)
    bank[:, 10:30, 5:25] = True
    np.savez_compressed(out / "masks.npz", bits=np.packbits(bank, axis=-1), side=64)
    (out / "cutouts").mkdir()
    cut = np.zeros((30, 20, 4), np.uint8)
    cut[5:25, 4:16] = 200
    Image.fromarray(cut, "RGBA").save(out / "cutouts" / "0.webp", lossless=True)
    return out


def test_batches_hold_the_promised_pairs(tmp_path):
    p = Pack(fake_pack(tmp_path), torch.device("cpu"), crop=48)
    assert p.renders["train"]["count"] == 10 and p.renders["val"]["count"] == 2  # scenes 0 and 10
    b = p.batch("shadow", 4)
    assert b["source"].shape == (4, 3, 48, 48) and b["mask"].shape == (4, 1, 48, 48) and len(b["lights"]) == 4
    assert b["source"].min() >= -1 and b["source"].max() <= 1
    b = p.batch("relight", 6)
    outside = b["mask"].expand_as(b["source"]) == 0
    assert torch.equal(b["source"][outside], b["target"][outside])  # only the subject differs
    b = p.batch("remove", 6)
    assert b["source"].shape[0] == 6 and ((b["mask"] == 0) | (b["mask"] == 1)).all()
    inside = b["mask"].expand_as(b["source"]) > 0.5
    assert not torch.equal(b["source"][inside], b["target"][inside])  # noise in the hole
    b = p.batch("segment", 6)
    assert b["image"].shape == (6, 3, 48, 48) and set(b["mask"].unique().tolist()) <= {0.0, 1.0}
    assert b["mask"][3:].sum() > 0  # the composites have their cut-out
    assert b["shadow"].shape == b["mask"].shape and not (b["shadow"] * b["mask"]).any()  # never on the subject
    v = p.batch("shadow", 4, "val")
    assert v["source"].shape[0] == 2  # validation: the held-out scenes, once each


def test_a_subset_keeps_its_validation_share_and_drops_the_rest(tmp_path):
    fake_pack(tmp_path)  # 12 scenes, ids 0..11: 0 and 10 validate
    out = tmp_path / "pack"
    assert pack.pack_renders(tmp_path / "cache", out, limit=6) == 6
    ids = sorted(json.loads(m.read_text())["scene_id"] for m in (out / "renders").glob("*/meta.json"))
    assert ids == [0, 1, 3, 5, 8, 11]  # 1 of the 2 validation scenes, 5 of the 10 training ones, spread
    assert pack.pack_renders(tmp_path / "cache", out) == 12  # all again
    assert len(list((out / "renders").iterdir())) == 12


def test_second_shadow_pair_from_light_two(tmp_path):
    cache = tmp_path / "cache"
    fake_pack(tmp_path)  # builds the cache; packed again below with the extra frame
    for d in sorted((cache / "scenes").glob("*")):
        Image.fromarray(np.full((64, 64, 3), 90, np.uint8)).save(d / "noshadow2.png")
        meta = json.loads((d / "meta.json").read_text())
        (d / "meta.json").write_text(json.dumps(meta | {"light2": meta["light"] | {"azimuth": 200.0, "elevation": 15.0}}))
    assert pack.pack_renders(cache, tmp_path / "pack") == 12
    p = Pack(tmp_path / "pack", torch.device("cpu"), crop=48, shadow_light2=0.5)
    b = p.batch("shadow", 4)
    assert [l.elevation for l in b["lights"]] == [40.0, 40.0, 15.0, 15.0]  # the last two under light 2
    src = b["source"][2:]
    assert torch.allclose(src, src.mean(dim=(2, 3), keepdim=True), atol=1e-6)  # from the flat noshadow2 frame
    v = p.batch("shadow", 4, "val")
    assert v["source"].shape[0] == 4 and [l.elevation for l in v["lights"]] == [40.0, 40.0, 15.0, 15.0]  # both pairs
    plain = Pack(tmp_path / "pack", torch.device("cpu"), crop=48)
    assert all(l.elevation == 40.0 for l in plain.batch("shadow", 4)["lights"])  # off unless asked for


def test_third_shadow_pair_from_light_three(tmp_path):
    cache = tmp_path / "cache"
    fake_pack(tmp_path)
    for i, d in enumerate(sorted((cache / "scenes").glob("*"))):
        Image.fromarray(np.full((64, 64, 3), 60, np.uint8)).save(d / "noshadow3.png")
        Image.fromarray(np.full((64, 64, 3), 30, np.uint8)).save(d / "shadow3.png")
        if i != 3:  # scene 3 lacks the second pair: no scene of the split loads it
            Image.fromarray(np.full((64, 64, 3), 90, np.uint8)).save(d / "noshadow2.png")
        meta = json.loads((d / "meta.json").read_text())
        (d / "meta.json").write_text(json.dumps(meta | {"light3": meta["light"] | {"elevation": 70.0}}))
    assert pack.pack_renders(cache, tmp_path / "pack") == 12
    p = Pack(tmp_path / "pack", torch.device("cpu"), crop=48, shadow_light2=0.5, shadow_light3=0.5)
    assert sorted(p.renders["train"]["pairs"]) == [0, 2] and sorted(p.renders["val"]["pairs"]) == [0, 1, 2]
    b = p.batch("shadow", 4)
    assert [l.elevation for l in b["lights"]] == [40.0, 40.0, 70.0, 70.0]  # the second pair is missing here
    assert torch.all(b["target"][2:] < b["source"][2:])  # shadow3 darker than noshadow3, as rendered
    v = p.batch("shadow", 2, "val")
    assert [l.elevation for l in v["lights"]] == [40.0, 40.0, 40.0, 40.0, 70.0, 70.0]  # every pair in use


def test_segment_render_zoom_and_validation(tmp_path):
    root = fake_pack(tmp_path)
    # Zoom 0.75: the whole 64 px frame shrinks into the 48 px crop, so the 20 px square subject
    # covers about 15 x 15 pixels in every render crop, wherever the window falls.
    p = Pack(root, torch.device("cpu"), crop=48, render_scale=(0.75, 0.75))
    b = p.batch("segment", 8)
    assert b["image"].shape == (8, 3, 48, 48)
    areas = b["mask"][:4].sum(dim=(1, 2, 3))
    assert ((areas > 180) & (areas < 270)).all(), areas
    native = Pack(root, torch.device("cpu"), crop=48).batch("segment", 8)["mask"][:4].sum(dim=(1, 2, 3))
    assert (native > areas.max()).any()  # at native scale a fully visible square covers 400 pixels
    before = p.gen.get_state()
    v = p.segment_validation(80, composites=3)
    assert torch.equal(p.gen.get_state(), before)  # validation leaves the training draws alone
    assert v["renders"]["image"].shape == (2, 3, 80, 80) and v["renders"]["mask"].shape == (2, 1, 64, 64)
    assert v["composites"]["image"].shape == (3, 3, 48, 48) and v["composites"]["mask"].sum() > 0
    assert torch.equal(p.segment_validation(80, composites=3)["composites"]["image"], v["composites"]["image"])


def test_removal_validates_on_held_out_photos_and_fills_as_configured(tmp_path):
    root = fake_pack(tmp_path)
    p = Pack(root, torch.device("cpu"), crop=48, remove_fill="pushpull")
    assert len(p.remove_val_photos) == 1 and all(q is not p.photos[0] for q in p.remove_photos)
    v = p.batch("remove", 4, "val")
    assert v["source"].shape[0] == 4 and v["mask"][2:].sum() > 0  # two scenes, two held-out photo crops
    assert torch.allclose(v["target"][2], v["target"][3], atol=0.2)  # the one held-out photo, centre crop

    def roughness(b: dict) -> float:  # mean step between neighbours inside the hole
        x, hole = b["source"], b["mask"].expand_as(b["source"]) > 0.5
        return (x[..., 1:] - x[..., :-1]).abs()[hole[..., 1:] & hole[..., :-1]].mean().item()
    noisy = Pack(root, torch.device("cpu"), crop=48).batch("remove", 6)
    assert roughness(p.batch("remove", 6)) < 0.1 < roughness(noisy)  # push-pull is smooth where noise is not


def test_relight_batches_mix_in_relit_cutouts(tmp_path):
    p = Pack(fake_pack(tmp_path), torch.device("cpu"), crop=48, relight_cutouts=0.5)
    b = p.batch("relight", 6)
    assert b["source"].shape == (6, 3, 48, 48) and len(b["lights"]) == 6
    assert all(l is not None for l in b["lights"][3:])  # the photo does not show a cut-out's light: always given
    outside = b["mask"].expand_as(b["source"]) == 0
    assert torch.equal(b["source"][outside], b["target"][outside])
    cut = b["mask"][3:].expand(-1, 3, -1, -1) > 0.5
    assert cut.any() and not torch.equal(b["source"][3:][cut], b["target"][3:][cut])
    assert p.batch("relight", 4, "val")["source"].shape[0] == 2  # validation stays on the renders


def test_shadow_pairs_move_onto_photo_grounds(tmp_path):
    noshadow = torch.zeros(1, 3, 8, 8)                  # grey 0.5 in [0, 1]
    shadow = noshadow.clone()
    shadow[..., 5:, 4:] = -0.5                          # a cast shadow: 0.25, half as bright
    mask = torch.zeros(1, 1, 8, 8)
    mask[..., 1:4, 1:4] = 1
    photo = torch.rand(1, 3, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1
    source, target = shadow_on_photo(noshadow, shadow, mask, photo)
    inside = mask.expand_as(source) > 0
    assert torch.allclose(source[inside], torch.zeros(27)) and torch.equal(source[inside], target[inside])  # the subject
    lit = (mask == 0).expand_as(source).clone()
    lit[..., 5:, 4:] = False
    assert torch.allclose(source[lit], photo[lit], atol=1e-6) and torch.equal(source[lit], target[lit])
    p = (photo[..., 5:, 4:] + 1) / 2
    assert torch.allclose((target[..., 5:, 4:] + 1) / 2, p * 0.5, atol=1e-6)  # the photo, half as bright
    b = Pack(fake_pack(tmp_path), torch.device("cpu"), crop=48, shadow_photos=0.5).batch("shadow", 4)
    assert b["source"].shape == (4, 3, 48, 48)
    moved = b["mask"][2:].expand(-1, 3, -1, -1) < 0.5
    assert (b["target"][2:][moved] <= b["source"][2:][moved] + 1e-6).all()  # a shadow only darkens


def test_relit_cutout_lights_the_side_facing_the_light():
    yy, xx = torch.meshgrid(torch.arange(64.0), torch.arange(64.0), indexing="ij")
    alpha = (((yy - 31.5) ** 2 + (xx - 31.5) ** 2) < 24 ** 2).float()[None]
    grey = torch.full((3, 64, 64), 0.5)
    left, right = (slice(None), slice(20, 44), slice(10, 26)), (slice(None), slice(20, 44), slice(38, 54))
    lit = relit_cutout(grey, alpha, Light(0, 20, 0.0, 1.0))  # from the right of the picture
    assert lit[right].mean() > lit[left].mean() + 0.1
    lit = relit_cutout(grey, alpha, Light(180, 20, 0.0, 1.0))  # from the left
    assert lit[left].mean() > lit[right].mean() + 0.1
    front = relit_cutout(grey, alpha, Light(270, 30, 0.5, 1.0))  # camera side
    back = relit_cutout(grey, alpha, Light(90, 30, 0.5, 1.0))    # behind the subject: mostly in its own shade
    assert front[:, 24:40, 24:40].mean() > back[:, 24:40, 24:40].mean() + 0.1
    warm = relit_cutout(grey, alpha, Light(270, 60, 1.0, 1.0, (1.0, 0.6, 0.3)))
    assert warm[0, 32, 32] > warm[1, 32, 32] > warm[2, 32, 32]  # the light's colour tints the subject


def test_training_from_a_pack(tmp_path):
    packed = fake_pack(tmp_path)
    vcfg = VaeConfig(latent_channels=4, widths=(8, 16), blocks=1, groups=4)
    enc, dec = Encoder(vcfg), Decoder(vcfg)
    torch.save({"model_args": vcfg.__dict__ | {"widths": [8, 16]}, "weights": {"encoder": enc.state_dict(), "decoder": dec.state_dict()}},
               packed / "vae.pt")
    for name in ("relight", "segment", "preview-decoder"):
        cfg = json.loads((ROOT / "configs" / f"{name}.json").read_text())
        cfg.update(batch=4, max_steps=2, eval_every=1, data={"pack": str(packed), "crop": 48})
        if name == "relight":
            cfg.update(unet={"widths": [8, 16], "blocks": 1, "groups": 4, "time_dim": 8, "time_hidden": 16},
                       vae=dict(cfg["vae"], checkpoint=str(packed / "vae.pt")), bridge=dict(cfg["bridge"], pixel_crop=32))
        elif name == "segment":
            cfg.update(model={"unshuffle": 4, "widths": [8, 16], "blocks": 1, "groups": 4})
        else:
            cfg.update(model={"widths": [4, 8], "blocks": 1, "groups": 4}, teacher=str(packed / "vae.pt"))
        conf = tmp_path / f"{name}.json"
        conf.write_text(json.dumps(cfg))
        r = subprocess.run([sys.executable, str(ROOT / "train.py"), "--config", str(conf), "--runs", str(tmp_path / "runs"),
                            "--device", "cpu"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        state = checkpoint.load(tmp_path / "runs" / cfg["name"] / "last.pt")
        assert state["step"] == 2 and state["best"] is not None


def test_cast_shadow_is_the_darkening_outside_the_subject():
    plain = torch.zeros(1, 3, 4, 4)
    shadowed = plain.clone()
    shadowed[..., 0, :] = -0.5    # 0.25 darker in 0..1: shadow
    shadowed[..., 1, :] = -0.05   # 0.025 darker: under the threshold
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., 0, 0] = 1           # the subject itself is never its shadow
    s = cast_shadow(plain, shadowed, mask)
    assert s[0, 0, 0].tolist() == [0, 1, 1, 1] and s[0, 0, 1:].sum() == 0
