"""Scene sampling shared by generate.py (plain python3) and scene.py (inside Blender).

No bpy here: everything is plain data, deterministic from (seed, scene id).

Light convention (src/shared/light.ts): azimuth is where the light comes from around the subject,
in the ground plane as seen from the camera: 0 = from the right of the picture, 90 = from behind
the subject (shadow toward the camera), 180 = from the left, 270 = from the camera's side (shadow
behind the subject); elevation is degrees above the ground (5..90); softness 0 = point light ..
1 = very large light.
"""
from __future__ import annotations

import hashlib
import math
import random

# ---- held-out split --------------------------------------------------------------------------
TEST_HDRIS = ("courtyard", "sunset")  # test-only environments; the other six are train-only
TEST_FRACTION = 0.1  # of scenes, of furniture models and of ground photos


def stable_unit(*parts) -> float:
    """A number in [0, 1) from a stable hash of the parts (same on every machine and Python)."""
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2.0**64


def item_split(kind: str, key: str) -> str:
    """Split of one asset (model, photo): a fixed ~10% subset is test-only."""
    return "test" if stable_unit("split", kind, key) < TEST_FRACTION else "train"


def hdri_split(name: str) -> str:
    return "test" if name in TEST_HDRIS else "train"


def scene_split(seed: int, scene_id: int) -> str:
    return "test" if stable_unit("scene-split", seed, scene_id) < TEST_FRACTION else "train"


# Frames a finished scene can be given later (generate.py --extra NAME), each a cast-shadow pair
# for one more light direction (scene.py render_extra): `noshadow2` is light 2 with the subject's
# shadow off (its pair: relit.png); `light3` is a third light, with and without the shadow. The
# last frame of each is written last and marks it done.
EXTRA_RENDERS = {"noshadow2": ("noshadow2",), "light3": ("shadow3", "noshadow3")}
EXTRA_FRAMES = tuple(f for frames in EXTRA_RENDERS.values() for f in frames)

# ---- light: our convention <-> Blender -------------------------------------------------------
LIGHT_DISTANCE = 6.0  # metres from the subject's centre (the subject is ~1 m)
MIN_ANGLE_DEG = 0.5  # softness 0: angular diameter of the light seen from the subject
MAX_ANGLE_DEG = 90.0  # softness 1
BASE_IRRADIANCE = 6.0  # W/m^2 at the subject for intensity 1 (before colour)


def light_size(softness: float, distance: float = LIGHT_DISTANCE) -> float:
    """Diameter (m) of the disk area light for a softness: its angular diameter seen from the
    subject grows linearly from MIN_ANGLE_DEG (softness 0) to MAX_ANGLE_DEG (softness 1)."""
    angle = math.radians(MIN_ANGLE_DEG + softness * (MAX_ANGLE_DEG - MIN_ANGLE_DEG))
    return 2.0 * distance * math.tan(angle / 2.0)


def light_power(intensity: float, softness: float, distance: float = LIGHT_DISTANCE) -> float:
    """Watts for a disk light so the on-axis irradiance at the subject is BASE_IRRADIANCE *
    intensity whatever its size: a Lambertian disk of radius a and power P at distance D gives
    E = P / (pi (D^2 + a^2))."""
    a = light_size(softness, distance) / 2.0
    return BASE_IRRADIANCE * intensity * math.pi * (distance**2 + a**2)


def light_direction(azimuth: float, elevation: float, cam_yaw: float):
    """Unit vector from the subject toward the light, in world coordinates (z up), for a camera
    whose position around the subject is at angle cam_yaw (radians) in the ground plane."""
    fx, fy = -math.cos(cam_yaw), -math.sin(cam_yaw)  # camera -> subject, ground plane
    rx, ry = fy, -fx  # camera right = forward x up
    az, el = math.radians(azimuth), math.radians(elevation)
    h = math.cos(el)
    return (
        h * (math.cos(az) * rx + math.sin(az) * fx),
        h * (math.cos(az) * ry + math.sin(az) * fy),
        math.sin(el),
    )


def kelvin_rgb(k: float):
    """Approximate linear RGB of a black body, normalised to max 1 (Tanner Helland's fit)."""
    t = k / 100.0
    r = 255.0 if t <= 66 else 329.698727446 * (t - 60) ** -0.1332047592
    g = 99.4708025861 * math.log(t) - 161.1195681661 if t <= 66 else 288.1221695283 * (t - 60) ** -0.0755148492
    b = 255.0 if t >= 66 else (0.0 if t <= 19 else 138.5177312231 * math.log(t - 10) - 305.0447927307)
    srgb = [min(max(c / 255.0, 0.0), 1.0) for c in (r, g, b)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in srgb]
    m = max(lin)
    return [round(c / m, 4) for c in lin]


def sample_light(rng: random.Random) -> dict:
    white = rng.random() < 0.5
    kelvin = None if white else round(rng.uniform(2800, 9000))
    return {
        "azimuth": round(rng.uniform(0.0, 360.0), 2),
        "elevation": round(rng.uniform(5.0, 90.0), 2),
        "softness": round(rng.random(), 3),
        "intensity": round(rng.uniform(0.7, 1.3), 3),
        "colour": [1.0, 1.0, 1.0] if white else kelvin_rgb(kelvin),
        "kelvin": kelvin,
    }


def light_blender(light: dict) -> dict:
    """The Blender quantities a light is rendered with (recorded in meta.json)."""
    return {
        "type": "AREA",
        "shape": "DISK",
        "distance_m": LIGHT_DISTANCE,
        "size_m": round(light_size(light["softness"]), 4),
        "angular_diameter_deg": round(MIN_ANGLE_DEG + light["softness"] * (MAX_ANGLE_DEG - MIN_ANGLE_DEG), 3),
        "power_w": round(light_power(light["intensity"], light["softness"]), 3),
    }


# ---- one scene -------------------------------------------------------------------------------
GROUND_KINDS = (("photo", 0.45), ("plain", 0.25), ("procedural", 0.30))
PROCEDURALS = ("noise", "checker", "brick", "voronoi", "wave")
CAMERA_HEIGHTS = (("low", 3.0, 12.0), ("mid", 12.0, 30.0), ("high", 30.0, 55.0))  # degrees down


def _weighted(rng: random.Random, pairs):
    x = rng.random() * sum(w for _, w in pairs)
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


def _colour(rng: random.Random, lo=0.05, hi=0.85):
    return [round(rng.uniform(lo, hi), 3) for _ in range(3)]


def sample_scene(catalog: dict, seed: int, scene_id: int, attempt: int = 0) -> dict:
    """Every random choice of one scene; deterministic from (catalog, seed, scene_id, attempt).
    attempt > 0 re-picks only the model (after a model crashed Blender or failed to import)."""
    rng = random.Random(f"lbm-render:{seed}:{scene_id}")
    split = scene_split(seed, scene_id)
    models = [m for m in catalog["models"] if m["split"] == split]
    photos = [p for p in catalog["photos"] if p["split"] == split]
    hdris = [h for h in catalog["hdris"] if h["split"] == split]
    model = rng.choice(models)
    if attempt:
        model = random.Random(f"lbm-render:{seed}:{scene_id}:model{attempt}").choice(models)

    kind = _weighted(rng, GROUND_KINDS) if photos else rng.choice(["plain", "procedural"])
    ground = {"kind": kind, "roughness": round(rng.uniform(0.35, 0.95), 3)}
    if kind == "photo":
        photo = rng.choice(photos)
        ground.update(photo=photo["path"], photo_set=photo["set"], tile_m=round(rng.uniform(1.5, 5.0), 3),
                      rotation_deg=round(rng.uniform(0, 360), 1))
    elif kind == "plain":
        ground.update(colour=_colour(rng))
    else:
        ground.update(pattern=rng.choice(PROCEDURALS), colour_a=_colour(rng), colour_b=_colour(rng),
                      scale=round(rng.uniform(0.3, 3.0), 3), rotation_deg=round(rng.uniform(0, 360), 1))

    if hdris and rng.random() < 0.7:
        world = {"kind": "hdri", "hdri": rng.choice(hdris)["name"], "strength": round(rng.uniform(0.05, 0.3), 3),
                 "rotation_deg": round(rng.uniform(0, 360), 1)}
    else:
        world = {"kind": "plain", "colour": _colour(rng, 0.2, 1.0), "strength": round(rng.uniform(0.05, 0.3), 3)}

    height_name, lo, hi = rng.choice(CAMERA_HEIGHTS)
    camera = {
        "height": height_name,
        "pitch_deg": round(rng.uniform(lo, hi), 2),  # degrees below horizontal, toward the subject
        "yaw_deg": round(rng.uniform(0, 360), 2),  # camera position around the subject
        "lens_mm": round(rng.uniform(30, 65), 1),
        "framing": round(rng.uniform(1.15, 1.8), 3),  # distance / (distance that just fits the subject)
    }
    return {
        "scene_id": scene_id,
        "seed": seed,
        "split": split,
        "attempt": attempt,
        "model": {k: model[k] for k in ("library", "id", "name", "obj", "category", "creator", "licence")},
        "model_size_m": round(rng.uniform(0.8, 1.2), 3),  # largest dimension after normalising
        "model_yaw_deg": round(rng.uniform(0, 360), 1),
        "ground": ground,
        "world": world,
        "camera": camera,
        "light": sample_light(rng),
        "light2": sample_light(rng),
        # its own stream, so that adding it left every earlier choice of a scene as it was
        "light3": sample_light(random.Random(f"lbm-render:{seed}:{scene_id}:light3")),
    }
