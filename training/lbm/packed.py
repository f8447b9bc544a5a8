"""Training batches built on the training device (a GPU when there is one) from a pack of
training/pack.py: every image sits on the device as uint8 once, and each batch is cut, flipped,
jittered and composited there, so that a fast GPU is not left waiting on Python and PIL.

Pairs per task (the render frames are those of lbm/pairs.py):

| task | from | source | target | conditioning |
|---|---|---|---|---|
| shadow | renders | noshadow | shadow | subject mask, grey light map of light 1 |
| shadow | renders, second pair (share `shadow_light2`, default none; where the pack has `noshadow2`) | noshadow2 | relit | subject mask, grey light map of light 2 |
| shadow | renders, third pair (share `shadow_light3`, default none; where the pack has `shadow3`, `noshadow3`) | noshadow3 | shadow3 | subject mask, grey light map of light 3 |
| shadow | renders on photos (share `shadow_photos`, default none) | the render's subject pasted on a photo | the same with the render's shadow (shadow / noshadow) multiplied onto the photo | as above |
| remove | renders (half) | shadow, loose mask filled as `remove_fill` says (noise, or push-pull: lbm/fill.py) | empty | the loose mask |
| remove | photos (half; every 25th held out) | photo, object-shaped mask filled alike | photo | the mask |
| relight | renders | subject of `shadow` (light 1) pasted on `relit` (light 2) | relit | subject mask, RGB light map of light 2 (left empty 40% of the time: the background decides) |
| relight | photos + cut-outs (share `relight_cutouts`, default none) | a cut-out pasted on a photo | the same with the cut-out relit by a random light (`relit_cutout`) | its alpha, RGB light map of that light (always given: the photo does not show it) |
| segment | renders (half; zoomed by a random factor in `render_scale` when set) | a frame | subject mask | - |
| segment | photos + cut-outs (half; every 20th cut-out and 25th photo held out) | a cut-out pasted on a photo, with a soft cast shadow | its alpha | - |

Every pair gets the same random crop, horizontal flip (which mirrors the light) and colour gain on
source and target. Validation: every tenth train-split scene is held out of training (the test split
is never packed; it is the evaluation set), for removal also every 25th photo (centre crops), and
for the segmenter optionally those photos with every 20th cut-out (`segment_validation`)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .data import is_validation_scene
from .fill import fill_hole
from .light import Light
from .losses import luma
from .pairs import loosen, mirrored
from render.common import EXTRA_FRAMES, kelvin_rgb  # plain Python (no bpy): the extra frames, the renders' light colours

FRAMES = ("shadow", "noshadow", "empty", "relit")
SHADOW, NOSHADOW, EMPTY, RELIT = range(4)
# The cast-shadow pairs of a scene: (source frame, target frame, light). The first is every
# scene's; the others come from frames added later (render/common.py EXTRA_RENDERS) and are loaded
# when every scene of a split has their frames: light 2 with the subject's shadow off (its pair is
# relit), and a third light with and without the shadow.
SHADOW_PAIRS = (("noshadow", "shadow", "light"), ("noshadow2", "relit", "light2"), ("noshadow3", "shadow3", "light3"))


def _light(m: dict) -> Light:
    return Light(m["azimuth"], m["elevation"], m["softness"], m["intensity"], tuple(m["colour"]))


def shadow_on_photo(noshadow: torch.Tensor, shadow: torch.Tensor, mask: torch.Tensor, photo: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Moves render pairs (N,3,H,W in [-1, 1], subject mask N,1,H,W) onto photo grounds: the subject
    is pasted on the photo, and the render's cast shadow, as the ratio shadow / noshadow (at most 1:
    a shadow only darkens), multiplies the photo. In sRGB values a ratio carries over from one
    ground to another, since sRGB is close to a power of linear light."""
    a, b = (noshadow + 1) / 2, (shadow + 1) / 2
    ratio = torch.where(a > 0.02, b / a.clamp(min=0.02), torch.ones_like(a)).clamp(0, 1)
    ground = (photo + 1) / 2
    source = mask * a + (1 - mask) * ground
    target = mask * a + (1 - mask) * ground * ratio
    return source * 2 - 1, target * 2 - 1


def cast_shadow(plain: torch.Tensor, shadowed: torch.Tensor, mask: torch.Tensor, drop: float = 0.05) -> torch.Tensor:
    """Where `shadowed` is darker than `plain` by `drop` (0..1 luma, as the shadow evaluation's
    threshold) outside the subject: its cast shadow, 0/1 of shape N,1,H,W. Images in [-1, 1]."""
    darker = luma(plain) - luma(shadowed) > drop
    return (darker & (mask < 0.05)).float()


def relit_cutout(rgb: torch.Tensor, alpha: torch.Tensor, light: Light) -> torch.Tensor:
    """A cut-out (RGB in [0, 1], sRGB; alpha 1,H,W) lit by `light`, for relighting pairs without a
    renderer. Its normals are those of a "puffball": the alpha, blurred over half the subject's
    size, taken as a height field, so the rims face sideways and the middle faces the camera. The
    shading is Lambertian with wrap-around (softer lights reach further round), over an ambient
    floor, in linear light, tinted by the light's colour. The cut-out's own lighting stays under
    it, as a photo's does; outside the alpha nothing is defined (callers composite)."""
    size = max(4.0, float(alpha.sum()) ** 0.5)
    r = max(1, int(0.25 * size))
    height = alpha[None]
    for _ in range(2):  # two box blurs: a smooth bump over the whole subject
        height = F.avg_pool2d(height, 2 * r + 1, stride=1, padding=r, count_include_pad=False)
    height = height[0, 0]
    gy, gx = torch.gradient(height * (0.5 * size))
    # Camera coordinates: x right, y up, z toward the viewer (image rows run down, so y = +d/drow).
    n = torch.stack([-gx, gy, torch.ones_like(gx)])
    n = n / n.norm(dim=0, keepdim=True)
    az, el = math.radians(light.azimuth), math.radians(light.elevation)
    l = torch.tensor([math.cos(el) * math.cos(az), math.sin(el), -math.cos(el) * math.sin(az)], device=rgb.device)
    wrap = light.softness
    diffuse = (((n * l.view(3, 1, 1)).sum(0) + wrap) / (1 + wrap)).clamp(0, 1)
    ambient = 0.3
    shade = ambient + (1 - ambient) * light.intensity * diffuse
    colour = torch.tensor(light.colour, device=rgb.device).view(3, 1, 1)
    linear = rgb.clamp(0, 1) ** 2.2 * shade * colour
    return linear.clamp(0, 1) ** (1 / 2.2)


def _joined(a: dict, b: dict) -> dict:
    """Two shadow batches as one: tensors concatenated, light lists joined."""
    return {k: a[k] + b[k] if k == "lights" else torch.cat([a[k], b[k]]) for k in a}


def _u8(path: Path, mode: str) -> torch.Tensor:
    a = np.asarray(Image.open(path).convert(mode), dtype=np.uint8)
    return torch.from_numpy(a.copy()).permute(2, 0, 1) if a.ndim == 3 else torch.from_numpy(a.copy())[None]


class Pack:
    def __init__(self, root: Path, device: torch.device, crop: int = 224, seed: int = 0, relight_cutouts: float = 0.0,
                 shadow_photos: float = 0.0, remove_fill: str = "noise", render_scale: tuple[float, float] | None = None,
                 shadow_light2: float = 0.0, shadow_light3: float = 0.0):
        self.device, self.crop = device, crop
        # The shares of a shadow training batch drawn from the second and third pairs (SHADOW_PAIRS)
        # where the pack has them; validation then holds each such pair of every validation scene.
        self.pair_shares = {1: shadow_light2, 2: shadow_light3}
        # Segment training zooms its render crops by a random factor in this range (None: native
        # scale only): the app resizes every photo to the segmenter's working size, so a 256 px
        # render reaches it enlarged 1.25 times, and a model that only saw one scale loses there.
        self.render_scale = render_scale
        self.remove_fill = remove_fill          # how a removal source's hole is filled (lbm/fill.py)
        self.relight_cutouts = relight_cutouts  # share of a relight training batch from relit cut-outs
        self.shadow_photos = shadow_photos      # share of a shadow training batch on photo grounds
        self.gen = torch.Generator().manual_seed(seed)                    # index and scalar draws
        self.noise = torch.Generator(device=device).manual_seed(seed + 1)  # bulk noise, on the device
        scenes = {"train": [], "val": []}
        for meta_path in sorted((root / "renders").glob("*/meta.json")):
            meta = json.loads(meta_path.read_text())
            if meta["split"] != "train":
                continue
            scenes["val" if is_validation_scene(meta["scene_id"]) else "train"].append(meta_path.parent)
        self.renders = {k: self._load_renders(v) for k, v in scenes.items()}
        self.photos = [t.to(device) for t in (_u8(p, "RGB") for p in sorted((root / "photos").glob("*.webp")))
                       if min(t.shape[1:]) >= crop]
        # Removal keeps every 25th photo for its validation; the other tasks validate on the
        # held-out scenes and use every photo.
        self.remove_photos = [p for i, p in enumerate(self.photos) if i % 25]
        self.remove_val_photos = self.photos[::25]
        bank = np.load(root / "masks.npz")
        bits = np.unpackbits(bank["bits"], axis=-1)[..., : int(bank["side"])]
        self.masks = torch.from_numpy(bits).to(device)[:, None]  # M,1,S,S uint8 in {0,1}
        self.cutouts = [_u8(p, "RGBA").to(device) for p in sorted((root / "cutouts").glob("*.webp"))]
        # Segment validation composites: every 20th cut-out on the removal's held-out photos, never
        # in segment training batches (a pack of under 20 cut-outs, a test's, shares them all).
        held = self.cutouts[::20] if len(self.cutouts) >= 20 else []
        self.seg_cutouts = [c for i, c in enumerate(self.cutouts) if i % 20] if held else self.cutouts
        self.seg_val_cutouts = held or self.cutouts

    def _load_renders(self, dirs: list[Path]) -> dict:
        metas = [json.loads((d / "meta.json").read_text()) for d in dirs]
        names = FRAMES + tuple(f for f in EXTRA_FRAMES if dirs and all((d / f"{f}.webp").exists() for d in dirs))
        # pair k -> (source index, target index) in the loaded frames, for the pairs that are all there
        pairs = {k: (names.index(s), names.index(t)) for k, (s, t, light) in enumerate(SHADOW_PAIRS)
                 if s in names and t in names and all(light in m for m in metas)}
        frames = torch.stack([torch.stack([_u8(d / f"{f}.webp", "RGB") for f in names]) for d in dirs]) if dirs else None
        masks = torch.stack([_u8(d / "mask.png", "L") for d in dirs]) if dirs else None
        lights = [tuple(_light(m[light]) if light in m else None for _, _, light in SHADOW_PAIRS) for m in metas]
        return {"frames": frames.to(self.device) if dirs else None, "masks": masks.to(self.device) if dirs else None,
                "lights": lights, "pairs": pairs, "count": len(dirs)}

    def summary(self) -> str:
        return (f"{self.renders['train']['count']} train / {self.renders['val']['count']} validation scenes "
                f"({len(self.renders['train']['pairs'])} shadow pairs each), "
                f"{len(self.photos)} photos, {len(self.masks)} masks, {len(self.cutouts)} cut-outs")

    # ---- random draws ---------------------------------------------------------------------------
    def _ints(self, high: int, n: int) -> torch.Tensor:
        return torch.randint(high, (n,), generator=self.gen)

    def _uniform(self, n: int, lo: float = 0.0, hi: float = 1.0) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(n, generator=self.gen)

    def _window(self, h: int, w: int) -> tuple[int, int]:
        return int(self._ints(h - self.crop + 1, 1)), int(self._ints(w - self.crop + 1, 1))

    # ---- shared augmentation --------------------------------------------------------------------
    def _augment(self, images: list[torch.Tensor], flips: torch.Tensor, jitter: float = 0.08) -> list[torch.Tensor]:
        """uint8 N,C,H,W tensors -> float in [-1, 1], each sample flipped and colour-scaled alike in all."""
        n = images[0].shape[0]
        gain = (1 + jitter * (2 * torch.rand(n, 3, 1, 1, generator=self.gen) - 1)).to(self.device)
        f = flips.to(self.device).view(-1, 1, 1, 1)
        out = []
        for x in images:
            x = x.float() / 255
            x = torch.where(f, x.flip(-1), x)
            if x.shape[1] == 3:
                x = (x * gain).clamp(0, 1) * 2 - 1
            out.append(x)
        return out

    def _render_crops(self, split: str, idx: torch.Tensor, frames: tuple[int, ...],
                      zoom: bool = False) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Crop-sized windows of render frames and masks (uint8); with `zoom` (training only) each
        window is first cut at crop / s for a random s in `render_scale`, then resized to the crop."""
        r = self.renders[split]
        outs = [[] for _ in frames]
        masks = []
        size = r["frames"].shape[-1]
        for i in idx.tolist():
            side = self._zoom_side(size) if zoom and split == "train" and self.render_scale else self.crop
            y, x = ((int(self._ints(size - side + 1, 1)), int(self._ints(size - side + 1, 1))) if split == "train"
                    else ((size - side) // 2,) * 2)
            for k, f in enumerate(frames):
                outs[k].append(self._to_crop(r["frames"][i, f, :, y:y + side, x:x + side]))
            masks.append(self._to_crop(r["masks"][i, :, y:y + side, x:x + side]))
        return [torch.stack(o) for o in outs], torch.stack(masks)

    def _zoom_side(self, size: int) -> int:
        """The window side for a random zoom s in `render_scale`: crop / s, within the frame."""
        lo, hi = self.render_scale
        s = float(self._uniform(1, lo, hi))
        return max(8, min(size, round(self.crop / s)))

    def _to_crop(self, t: torch.Tensor) -> torch.Tensor:
        """A uint8 C,h,w window resized (bilinear) to crop x crop; as is when it already is."""
        if t.shape[-1] == self.crop and t.shape[-2] == self.crop:
            return t
        z = F.interpolate(t[None].float(), size=(self.crop, self.crop), mode="bilinear", align_corners=False)
        return z[0].round().clamp(0, 255).to(torch.uint8)

    def _photo_crops(self, n: int, pool: list[torch.Tensor] | None = None) -> torch.Tensor:
        pool = self.photos if pool is None else pool
        out = []
        for i in self._ints(len(pool), n).tolist():
            p = pool[i]
            y, x = self._window(p.shape[1], p.shape[2])
            out.append(p[:, y:y + self.crop, x:x + self.crop])
        return torch.stack(out)

    def _centre_crops(self, pool: list[torch.Tensor], n: int) -> torch.Tensor:
        """The centre crops of the first n photos of `pool` (cycled): a fixed validation set."""
        out = []
        for i in range(n):
            p = pool[i % len(pool)]
            y, x = (p.shape[1] - self.crop) // 2, (p.shape[2] - self.crop) // 2
            out.append(p[:, y:y + self.crop, x:x + self.crop])
        return torch.stack(out)

    def _bank_masks(self, n: int) -> torch.Tensor:
        m = self.masks[self._ints(len(self.masks), n).to(self.device)]
        if bool(torch.rand(1, generator=self.gen) < 0.5):
            m = m.transpose(-1, -2)
        side = m.shape[-1]
        y, x = self._window(side, side)
        return m[..., y:y + self.crop, x:x + self.crop]

    # ---- batches per task -----------------------------------------------------------------------
    def batch(self, task: str, n: int, split: str = "train") -> dict:
        return getattr(self, f"_{task}")(n, split)

    def _draw(self, split: str, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        count = self.renders[split]["count"]
        idx = self._ints(count, n) if split == "train" else torch.arange(min(n, count))
        flips = torch.rand(len(idx), generator=self.gen) < 0.5 if split == "train" else torch.zeros(len(idx), dtype=torch.bool)
        return idx, flips

    def _lights(self, split: str, idx: torch.Tensor, flips: torch.Tensor, which: int) -> list[Light]:
        ls = [self.renders[split]["lights"][i][which] for i in idx.tolist()]
        return [mirrored(l) if f else l for l, f in zip(ls, flips.tolist())]

    def _shadow(self, n: int, split: str) -> dict:
        extra = [k for k, share in self.pair_shares.items() if share > 0 and k in self.renders[split]["pairs"]]
        if extra and split == "val":  # each pair in use of each validation scene: more cases
            b = self._shadow_pairs(n, split, 0)
            for k in extra:
                b = _joined(b, self._shadow_pairs(n, split, k))
            return b
        counts = {k: round(n * self.pair_shares[k]) for k in extra}
        b = self._shadow_pairs(n - sum(counts.values()), split, 0)
        for k in extra:
            if counts[k]:
                b = _joined(b, self._shadow_pairs(counts[k], split, k))
        k = round(n * self.shadow_photos) if split == "train" and self.photos else 0
        if k:  # the last k pairs move onto photo grounds
            src, tgt, mask = b["source"], b["target"], b["mask"]
            photo, = self._augment([self._photo_crops(k)], torch.rand(k, generator=self.gen) < 0.5)
            src[-k:], tgt[-k:] = shadow_on_photo(src[-k:], tgt[-k:], mask[-k:], photo)
        return b

    def _shadow_pairs(self, n: int, split: str, which: int) -> dict:
        """Cast-shadow pairs of SHADOW_PAIRS[which]: light 1 (noshadow, shadow), 2 (noshadow2, relit) or 3."""
        idx, flips = self._draw(split, n)
        (src, tgt), mask = self._render_crops(split, idx, self.renders[split]["pairs"][which])
        src, tgt, mask = self._augment([src, tgt, mask], flips)
        return {"source": src, "target": tgt, "mask": mask, "lights": self._lights(split, idx, flips, which)}

    def _relight(self, n: int, split: str) -> dict:
        n_cut = round(n * self.relight_cutouts) if split == "train" and self.cutouts else 0
        idx, flips = self._draw(split, n - n_cut)
        (lit1, lit2), mask = self._render_crops(split, idx, (SHADOW, RELIT))
        lit1, lit2, mask = self._augment([lit1, lit2, mask], flips)
        lights = self._lights(split, idx, flips, 1)
        if split == "train":
            keep = (torch.rand(len(lights), generator=self.gen) < 0.6).tolist()
            lights = [l if k else None for l, k in zip(lights, keep)]
        source = mask * lit1 + (1 - mask) * lit2
        if n_cut:
            s, t, m, ls = self._relit_cutouts(n_cut)
            source, lit2, mask, lights = torch.cat([source, s]), torch.cat([lit2, t]), torch.cat([mask, m]), lights + ls
        return {"source": source, "target": lit2, "mask": mask, "lights": lights}

    def _relit_cutouts(self, n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, list[Light]]:
        """Cut-outs on photo crops, before and after `relit_cutout` under a random light."""
        bg, = self._augment([self._photo_crops(n)], torch.rand(n, generator=self.gen) < 0.5)
        sources, targets, alphas, lights = [], [], [], []
        for k in range(n):
            rgb, alpha, _ = self._placed_cutout()
            light = self._random_light()
            sources.append(alpha * (rgb * 2 - 1) + (1 - alpha) * bg[k])
            targets.append(alpha * (relit_cutout(rgb, alpha, light) * 2 - 1) + (1 - alpha) * bg[k])
            alphas.append(alpha)
            lights.append(light)
        return torch.stack(sources), torch.stack(targets), torch.stack(alphas), lights

    def _random_light(self) -> Light:
        """Drawn as the renders draw theirs (training/render/common.py sample_light)."""
        u = self._uniform(6).tolist()
        colour = (1.0, 1.0, 1.0) if u[4] < 0.5 else tuple(kelvin_rgb(2800 + 6200 * u[5]))
        return Light(360 * u[0], 5 + 85 * u[1], u[2], 0.7 + 0.6 * u[3], colour)

    def _remove(self, n: int, split: str) -> dict:
        n_render = n // 2  # and as many photos with object-shaped masks
        idx, flips = self._draw(split, n_render)
        (src, tgt), mask = self._render_crops(split, idx, (SHADOW, EMPTY))
        src, tgt, mask = self._augment([src, tgt, mask], flips)
        pixels = int(self._ints(7, 1)) + 2 if split == "train" else 5
        mask = loosen(mask, pixels)
        if n - n_render > 0:
            k = n - n_render
            if split == "train":
                photo, = self._augment([self._photo_crops(k, self.remove_photos)], torch.rand(k, generator=self.gen) < 0.5)
            else:
                photo, = self._augment([self._centre_crops(self.remove_val_photos, k)], torch.zeros(k, dtype=torch.bool))
            src = torch.cat([src, photo])
            tgt = torch.cat([tgt, photo])
            mask = torch.cat([mask, self._bank_masks(k).float()])
        return {"source": fill_hole(self.remove_fill, src, mask, self.noise), "target": tgt, "mask": mask, "lights": [None] * len(src)}

    def _segment(self, n: int, split: str) -> dict:
        """Frames and composites with their subject masks, and `shadow`: the subject's cast shadow
        (known on shadow frames and composites, empty elsewhere), which the loss can weight so
        that a shadow taken into the mask costs more."""
        n_render = n // 2 if split == "train" else n
        idx, flips = self._draw(split, n_render)
        frame = int(self._ints(3, 1)) if split == "train" else 0
        (img, plain), mask = self._render_crops(split, idx, ((SHADOW, NOSHADOW, RELIT)[frame], NOSHADOW), zoom=True)
        img, plain, mask = self._augment([img, plain, mask], flips, jitter=0.15)
        shadow = cast_shadow(plain, img, mask) if frame == 0 else torch.zeros_like(mask)
        if split == "train" and n - n_render > 0:
            comp, alpha, shade = self._composites(n - n_render, self.remove_photos, self.seg_cutouts)
            img, mask, shadow = torch.cat([img, comp]), torch.cat([mask, alpha]), torch.cat([shadow, shade])
        if split == "train":  # sensor noise and soft focus, as real shots have
            sigma = (torch.rand(len(img), 1, 1, 1, generator=self.gen) * 0.04).to(self.device)
            img = (img + sigma * torch.randn(img.shape, generator=self.noise, device=self.device)).clamp(-1, 1)
        return {"image": img, "mask": (mask > 0.5).float(), "shadow": shadow}

    def segment_validation(self, long_side: int, composites: int = 64, seed: int = 1234) -> dict:
        """A fixed validation set for the segmenter, in two parts scored apart:
        - `renders`: the held-out scenes' shadow frames, whole, resized so that their long side is
          `long_side` as the app does (`image`), with their masks at the frames' own size (`mask`);
        - `composites`: `composites` held-out cut-outs on held-out photos (crop-sized), drawn from
          `seed` without touching the training draws."""
        r = self.renders["val"]
        frames = r["frames"][:, SHADOW].float() / 255 * 2 - 1
        image = F.interpolate(frames, size=(long_side, long_side), mode="bilinear", align_corners=False)
        saved, self.gen = self.gen, torch.Generator().manual_seed(seed)
        try:
            comp, alpha, _ = self._composites(composites, self.remove_val_photos, self.seg_val_cutouts)
        finally:
            self.gen = saved
        return {"renders": {"image": image, "mask": (r["masks"].float() > 127).float()},
                "composites": {"image": comp, "mask": (alpha > 0.5).float()}}

    def _placed_cutout(self, pool: list[torch.Tensor] | None = None) -> tuple[torch.Tensor, torch.Tensor, tuple[int, int]]:
        """A random cut-out of `pool` (default: all) at a random scale (5 to 50% cover), flip and
        place: RGB in [0, 1], alpha (both crop-sized) and the cut-out's placed height and width."""
        c = self.crop
        pool = self.cutouts if pool is None else pool
        cut = pool[int(self._ints(len(pool), 1))].float() / 255
        h, w = cut.shape[1:]
        cover = float(self._uniform(1, 0.05, 0.5))
        s = math.sqrt(cover * c * c / max(1.0, float((cut[3] > 0.5).sum())))
        s = min(s, c / h, c / w)
        nh, nw = max(8, int(h * s)), max(8, int(w * s))
        cut = F.interpolate(cut[None], size=(nh, nw), mode="bilinear", align_corners=False)[0]
        if bool(torch.rand(1, generator=self.gen) < 0.5):
            cut = cut.flip(-1)
        y, x = int(self._ints(c - nh + 1, 1)), int(self._ints(c - nw + 1, 1))
        alpha = torch.zeros(1, c, c, device=self.device)
        alpha[:, y:y + nh, x:x + nw] = cut[3:]
        rgb = torch.zeros(3, c, c, device=self.device)
        rgb[:, y:y + nh, x:x + nw] = cut[:3]
        return rgb, alpha, (nh, nw)

    def _composites(self, n: int, photos: list[torch.Tensor] | None = None,
                    cutouts: list[torch.Tensor] | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Cut-outs on photo crops: random scale (5 to 50% cover), place, colour, soft cast shadow.
        Returns the images, their alphas and their cast-shadow regions."""
        bg, = self._augment([self._photo_crops(n, photos)], torch.rand(n, generator=self.gen) < 0.5, jitter=0.15)
        out, alphas, shadows = [], [], []
        for k in range(n):
            rgb, alpha, (nh, nw) = self._placed_cutout(cutouts)
            shadow = torch.zeros_like(alpha)
            gain = (1 + 0.2 * (2 * torch.rand(3, 1, 1, generator=self.gen) - 1)).to(self.device)
            rgb = (rgb * gain).clamp(0, 1) * 2 - 1
            b = bg[k]
            if bool(torch.rand(1, generator=self.gen) < 0.6):  # a shadow on the ground, offset and blurred
                dy, dx = int(self._ints(nh // 3 + 1, 1)), int(self._ints(nw // 2 + 1, 1)) - nw // 4
                shade = torch.roll(alpha, shifts=(dy, dx), dims=(1, 2))
                r = int(self._ints(6, 1)) * 2 + 1
                shade = F.avg_pool2d(shade[None], r, stride=1, padding=r // 2)[0]
                b = (b + 1) * (1 - float(self._uniform(1, 0.2, 0.6)) * shade) - 1
                shadow = ((shade > 0.1) & (alpha < 0.05)).float()
            out.append(alpha * rgb + (1 - alpha) * b)
            alphas.append(alpha)
            shadows.append(shadow)
        return torch.stack(out), torch.stack(alphas), torch.stack(shadows)
