"""Render scenes inside Blender 3.4 (Cycles, CPU):

    blender -b -noaudio --factory-startup -P training/render/scene.py -- \
        --catalog <assets>/catalog.json --out <dir> --ids 0,1,2 [--seed 0] [--size 256] [--samples 32]

(generate.py writes the catalog and calls this in batches.) Per scene id, into <out>/<id:06d>/:
  shadow.png    the model on the ground under light 1, casting its shadow
  noshadow.png  the same with the model's shadow off (visible_shadow = False on all its meshes)
  mask.png      the model's coverage (8-bit grey, anti-aliased; camera-ray alpha with the ground hidden)
  empty.png     the scene without the model under light 1 (object-removal pair with shadow.png)
  relit.png     the model and camera under light 2, with shadow (relighting pair with shadow.png)
  noshadow2.png (--extra noshadow2, later) light 2 with the model's shadow off (shadow pair with relit.png)
  shadow3.png, noshadow3.png (--extra light3, later) a third light, with and without the model's shadow
  meta.json     every parameter (light 1 and 2 in our convention), written last and atomically
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import traceback
from pathlib import Path

import bpy
from mathutils import Vector

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import EXTRA_RENDERS, LIGHT_DISTANCE, light_blender, light_direction, light_power, light_size, sample_scene  # noqa: E402


MASK_SAMPLES = 8
MAX_ATTEMPTS = 4
CLAMP_DIRECT, CLAMP_INDIRECT = 8.0, 1.5
BOUNCES = {"max": 2, "diffuse": 1, "glossy": 1, "transmission": 2, "transparent": 4}


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    ap = argparse.ArgumentParser(prog="scene.py")
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ids", required=True, help="comma-separated scene ids")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--samples", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--deadline", type=float, default=None, help="epoch seconds: start no scene after it")
    ap.add_argument("--override", default=None, help="JSON merged into each sampled scene (tests, checks)")
    ap.add_argument("--extra", choices=tuple(EXTRA_RENDERS), default=None,
                    help="render only this extra's frames into finished scenes (see render_extra)")
    return ap.parse_args(argv)


# ---- scene building --------------------------------------------------------------------------
def reset():
    bpy.ops.wm.read_factory_settings(use_empty=True)


def setup_render(scene, size, samples, threads):
    scene.render.engine = "CYCLES"
    c = scene.cycles
    c.device = "CPU"
    c.samples = samples
    c.use_adaptive_sampling = False
    c.use_denoising = False
    c.max_bounces = BOUNCES["max"]
    c.diffuse_bounces = BOUNCES["diffuse"]
    c.glossy_bounces = BOUNCES["glossy"]
    c.transmission_bounces = BOUNCES["transmission"]
    c.transparent_max_bounces = BOUNCES["transparent"]
    c.volume_bounces = 0
    c.caustics_reflective = False
    c.caustics_refractive = False
    c.blur_glossy = 1.0
    c.sample_clamp_direct = CLAMP_DIRECT  # fireflies from chrome, glass and the HDRIs' small bright lamps
    c.sample_clamp_indirect = CLAMP_INDIRECT
    c.tile_size = max(64, size)
    scene.render.threads_mode = "FIXED"
    scene.render.threads = threads
    scene.render.resolution_x = size
    scene.render.resolution_y = size
    scene.render.resolution_percentage = 100
    scene.render.film_transparent = False
    scene.render.use_persistent_data = True
    scene.render.image_settings.file_format = "PNG"
    scene.render.image_settings.color_mode = "RGB"
    scene.render.image_settings.color_depth = "8"
    scene.render.use_compositing = False
    scene.render.use_sequencer = False
    scene.view_settings.view_transform = "Filmic"
    scene.view_settings.look = "None"


def import_model(path, size_m, yaw_deg):
    before = set(bpy.data.objects)
    if hasattr(bpy.ops.wm, "obj_import"):
        bpy.ops.wm.obj_import(filepath=path, forward_axis="NEGATIVE_Z", up_axis="Y")
    else:  # older Blender
        bpy.ops.import_scene.obj(filepath=path, axis_forward="-Z", axis_up="Y")
    objs = [o for o in bpy.data.objects if o not in before]
    meshes = [o for o in objs if o.type == "MESH"]
    if not meshes:
        raise RuntimeError(f"no meshes in {path}")
    root = bpy.data.objects.new("model_root", None)
    bpy.context.scene.collection.objects.link(root)
    for o in objs:
        if o.parent is None:
            o.parent = root
    bpy.context.view_layer.update()
    pts = [o.matrix_world @ Vector(c) for o in meshes for c in o.bound_box]
    lo = Vector((min(p.x for p in pts), min(p.y for p in pts), min(p.z for p in pts)))
    hi = Vector((max(p.x for p in pts), max(p.y for p in pts), max(p.z for p in pts)))
    dims = hi - lo
    s = size_m / max(dims.x, dims.y, dims.z, 1e-6)
    centre = (lo + hi) / 2
    # scale, then move base centre to the origin, then turn about z
    for o in objs:
        if o.parent is root:
            o.location = (o.location - Vector((centre.x, centre.y, lo.z)))
    root.scale = (s, s, s)
    root.rotation_euler = (0.0, 0.0, math.radians(yaw_deg))
    bpy.context.view_layer.update()
    for o in meshes:
        o.pass_index = 1
        for slot in o.material_slots:
            fix_material(slot.material)
    pts = [o.matrix_world @ Vector(c) for o in meshes for c in o.bound_box]
    lo = Vector((min(p.x for p in pts), min(p.y for p in pts), min(p.z for p in pts)))
    hi = Vector((max(p.x for p in pts), max(p.y for p in pts), max(p.z for p in pts)))
    return meshes, lo, hi


METAL_WORDS = ("metal", "chrome", "steel", "alu", "iron", "gold", "silver", "brass", "copper", "inox")


def fix_material(m):
    """Blender's OBJ importer turns MTL 'Ka' into Metallic, and Sweet Home 3D's MTL files often
    say Ka 1 (SH3D ignores it): ~800 materials would render as mirrors. Metallic only where the
    name says metal; specular capped at 0.5; no mirror-sharp roughness (grain at 32 samples);
    no accidental emission."""
    if m is None or not m.use_nodes:
        return
    metal = any(w in m.name.lower() for w in METAL_WORDS)
    for n in m.node_tree.nodes:
        if n.type == "BSDF_PRINCIPLED":
            n.inputs["Metallic"].default_value = 0.8 if metal else 0.0
            n.inputs["Specular"].default_value = min(n.inputs["Specular"].default_value, 0.5)
            n.inputs["Roughness"].default_value = max(n.inputs["Roughness"].default_value, 0.2)
            n.inputs["Emission Strength"].default_value = 0.0


def make_ground(g, photo_root):
    bpy.ops.mesh.primitive_plane_add(size=200.0, location=(0, 0, 0))
    plane = bpy.context.active_object
    plane.name = "ground"
    mat = bpy.data.materials.new("ground")
    mat.use_nodes = True
    nt = mat.node_tree
    bsdf = nt.nodes["Principled BSDF"]
    bsdf.inputs["Roughness"].default_value = g["roughness"]
    bsdf.inputs["Specular"].default_value = 0.3
    kind = g["kind"]
    if kind == "plain":
        bsdf.inputs["Base Color"].default_value = (*g["colour"], 1.0)
    else:
        tc = nt.nodes.new("ShaderNodeTexCoord")
        mp = nt.nodes.new("ShaderNodeMapping")
        nt.links.new(tc.outputs["Object"], mp.inputs["Vector"])
        mp.inputs["Rotation"].default_value = (0, 0, math.radians(g["rotation_deg"]))
        if kind == "photo":
            img = bpy.data.images.load(str(Path(photo_root) / g["photo"]))
            w, h = img.size
            t = g["tile_m"]
            mp.inputs["Scale"].default_value = (1.0 / t, w / h / t, 1.0)
            tex = nt.nodes.new("ShaderNodeTexImage")
            tex.image = img
            tex.extension = "REPEAT"
            nt.links.new(mp.outputs["Vector"], tex.inputs["Vector"])
            nt.links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
        else:
            pat = g["pattern"]
            s = g["scale"]
            node = {"noise": "ShaderNodeTexNoise", "checker": "ShaderNodeTexChecker", "brick": "ShaderNodeTexBrick",
                    "voronoi": "ShaderNodeTexVoronoi", "wave": "ShaderNodeTexWave"}[pat]
            tex = nt.nodes.new(node)
            nt.links.new(mp.outputs["Vector"], tex.inputs["Vector"])
            tex.inputs["Scale"].default_value = s * (1.0 if pat in ("checker", "brick") else 2.0)
            if pat in ("checker", "brick"):
                tex.inputs["Color1"].default_value = (*g["colour_a"], 1.0)
                tex.inputs["Color2"].default_value = (*g["colour_b"], 1.0)
                nt.links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
            else:
                ramp = nt.nodes.new("ShaderNodeValToRGB")
                ramp.color_ramp.elements[0].color = (*g["colour_a"], 1.0)
                ramp.color_ramp.elements[1].color = (*g["colour_b"], 1.0)
                out = tex.outputs["Fac"] if "Fac" in tex.outputs else tex.outputs["Distance"]
                nt.links.new(out, ramp.inputs["Fac"])
                nt.links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
    plane.data.materials.append(mat)
    return plane


def make_world(w, hdris):
    world = bpy.data.worlds.new("world")
    bpy.context.scene.world = world
    world.use_nodes = True
    nt = world.node_tree
    bg = nt.nodes["Background"]
    bg.inputs["Strength"].default_value = w["strength"]
    if w["kind"] == "hdri":
        # a small importance map: AUTOMATIC made every frame 2-3x slower for the same noise here
        world.cycles.sampling_method = "MANUAL"
        world.cycles.sample_map_resolution = 256
        env = nt.nodes.new("ShaderNodeTexEnvironment")
        env.image = bpy.data.images.load(hdris[w["hdri"]])
        tc = nt.nodes.new("ShaderNodeTexCoord")
        mp = nt.nodes.new("ShaderNodeMapping")
        mp.inputs["Rotation"].default_value = (0, 0, math.radians(w["rotation_deg"]))
        nt.links.new(tc.outputs["Generated"], mp.inputs["Vector"])
        nt.links.new(mp.outputs["Vector"], env.inputs["Vector"])
        nt.links.new(env.outputs["Color"], bg.inputs["Color"])
    else:
        bg.inputs["Color"].default_value = (*w["colour"], 1.0)


def make_camera(cam, lo, hi):
    centre = (lo + hi) / 2
    radius = (hi - lo).length / 2
    data = bpy.data.cameras.new("camera")
    data.lens = cam["lens_mm"]
    data.sensor_width = 36.0
    data.sensor_fit = "HORIZONTAL"
    obj = bpy.data.objects.new("camera", data)
    bpy.context.scene.collection.objects.link(obj)
    half_fov = math.atan(18.0 / cam["lens_mm"])
    dist = radius / math.sin(half_fov) * cam["framing"]
    pitch, yaw = math.radians(cam["pitch_deg"]), math.radians(cam["yaw_deg"])
    obj.location = centre + Vector((math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw),
                                    math.sin(pitch))) * dist
    obj.rotation_euler = (centre - obj.location).to_track_quat("-Z", "Y").to_euler()
    data.clip_start = 0.01
    data.clip_end = 500.0
    bpy.context.scene.camera = obj
    return obj, dist, yaw, centre


def make_light():
    data = bpy.data.lights.new("key", type="AREA")
    data.shape = "DISK"
    obj = bpy.data.objects.new("key", data)
    bpy.context.scene.collection.objects.link(obj)
    return obj


def place_light(obj, light, cam_yaw, centre):
    d = Vector(light_direction(light["azimuth"], light["elevation"], cam_yaw))
    obj.location = centre + d * LIGHT_DISTANCE
    obj.rotation_euler = (-d).to_track_quat("-Z", "Y").to_euler()
    obj.data.size = light_size(light["softness"])
    obj.data.energy = light_power(light["intensity"], light["softness"])
    obj.data.color = light["colour"]


def render_to(path, scene):
    scene.render.filepath = str(path)
    bpy.ops.render.render(write_still=True)


def setup_mask_compositor(scene):
    scene.use_nodes = True
    nt = scene.node_tree
    for n in list(nt.nodes):
        nt.nodes.remove(n)
    rl = nt.nodes.new("CompositorNodeRLayers")
    comp = nt.nodes.new("CompositorNodeComposite")
    comp.use_alpha = False
    nt.links.new(rl.outputs["Alpha"], comp.inputs["Image"])


def build_scene(spec, catalog, args):
    """The scene of a spec, lights placed by the caller: (scene, meshes, plane, camera, key, ...)."""
    reset()
    scene = bpy.context.scene
    setup_render(scene, args.size, args.samples, args.threads)
    hdris = {h["name"]: h["path"] for h in catalog["hdris"]}
    meshes, lo, hi = import_model(spec["model"]["obj"], spec["model_size_m"], spec["model_yaw_deg"])
    plane = make_ground(spec["ground"], catalog["photo_root"])
    make_world(spec["world"], hdris)
    cam, dist, cam_yaw, centre = make_camera(spec["camera"], lo, hi)
    return scene, meshes, plane, cam, dist, cam_yaw, centre, lo, hi, make_light()


def render_scene(spec, out_dir: Path, catalog, args):
    t0 = time.time()
    scene, meshes, plane, cam, dist, cam_yaw, centre, lo, hi, key = build_scene(spec, catalog, args)
    t_import = time.time() - t0
    out_dir.mkdir(parents=True, exist_ok=True)
    times = {"import": round(t_import, 2)}

    def timed(name, fn):
        t = time.time()
        fn()
        times[name] = round(time.time() - t, 2)

    place_light(key, spec["light"], cam_yaw, centre)
    timed("shadow", lambda: render_to(out_dir / "shadow.png", scene))
    for o in meshes:
        o.visible_shadow = False
    timed("noshadow", lambda: render_to(out_dir / "noshadow.png", scene))
    for o in meshes:
        o.visible_shadow = True
    place_light(key, spec["light2"], cam_yaw, centre)
    timed("relit", lambda: render_to(out_dir / "relit.png", scene))
    place_light(key, spec["light"], cam_yaw, centre)
    for o in meshes:
        o.hide_render = True
    timed("empty", lambda: render_to(out_dir / "empty.png", scene))
    # mask: camera-ray coverage of the model alone (ground hidden, transparent film), no lighting work
    for o in meshes:
        o.hide_render = False
    plane.hide_render = True
    key.hide_render = True
    scene.render.film_transparent = True
    c = scene.cycles
    c.samples, c.max_bounces, c.transparent_max_bounces = MASK_SAMPLES, 0, 8
    scene.render.use_compositing = True
    setup_mask_compositor(scene)
    scene.render.image_settings.color_mode = "BW"
    scene.view_settings.view_transform = "Standard"
    timed("mask", lambda: render_to(out_dir / "mask.png", scene))

    meta = {k: v for k, v in spec.items() if k != "light3"}  # recorded when its frames are rendered
    meta["model"] = {k: v for k, v in spec["model"].items() if k != "obj"}
    meta["model"]["obj"] = os.path.relpath(spec["model"]["obj"], Path(args.catalog).parent)
    meta["convention"] = ("azimuth: where the light comes from around the subject in the ground plane as seen "
                          "from the camera (0 right of picture, 90 behind subject, 180 left, 270 camera side); "
                          "elevation: degrees above ground; softness 0 point .. 1 very large")
    meta["light"] = dict(spec["light"], blender=light_blender(spec["light"]))
    meta["light2"] = dict(spec["light2"], blender=light_blender(spec["light2"]))
    meta["camera"] = dict(spec["camera"], distance_m=round(dist, 4), location=[round(v, 4) for v in cam.location],
                          target=[round(v, 4) for v in centre])
    meta["model_bbox"] = [[round(v, 4) for v in lo], [round(v, 4) for v in hi]]
    meta["render"] = {"engine": "CYCLES", "device": "CPU", "size": args.size, "samples": args.samples,
                      "mask_samples": MASK_SAMPLES, "bounces": BOUNCES,
                      "clamp": [CLAMP_DIRECT, CLAMP_INDIRECT],
                      "materials": "fix_material v1", "view_transform": "Filmic", "denoising": False,
                      "blender": bpy.app.version_string, "seconds": times, "total_s": round(time.time() - t0, 2)}
    meta["files"] = ["shadow.png", "noshadow.png", "mask.png", "empty.png", "relit.png"]
    tmp = out_dir / "meta.json.tmp"
    tmp.write_text(json.dumps(meta, indent=1))
    os.replace(tmp, out_dir / "meta.json")
    return time.time() - t0


def _render_atomic(scene, path: Path) -> None:
    tmp = path.with_suffix(".tmp.png")
    render_to(tmp, scene)
    os.replace(tmp, path)


def render_extra(extra: str, spec, out_dir: Path, catalog, args) -> float:
    """Adds an extra cast-shadow pair's frames (common.EXTRA_RENDERS) to a finished scene, each
    written atomically, the last one last (it marks the extra done). `noshadow2`: the model under
    light 2 with its shadow off (its pair is relit.png), one frame for a second light direction.
    `light3`: shadow3.png and noshadow3.png under a third light, recorded in meta.json first."""
    t0 = time.time()
    scene, meshes, _, _, _, cam_yaw, centre, _, _, key = build_scene(spec, catalog, args)
    if extra == "light3":
        meta = json.loads((out_dir / "meta.json").read_text())
        meta["light3"] = dict(spec["light3"], blender=light_blender(spec["light3"]))
        meta["files"] = [f for f in meta["files"] if f not in ("shadow3.png", "noshadow3.png")] + ["shadow3.png", "noshadow3.png"]
        tmp = out_dir / "meta.json.tmp"
        tmp.write_text(json.dumps(meta, indent=1))
        os.replace(tmp, out_dir / "meta.json")
    place_light(key, spec["light2" if extra == "noshadow2" else "light3"], cam_yaw, centre)
    if extra == "light3":
        _render_atomic(scene, out_dir / "shadow3.png")
    for o in meshes:
        o.visible_shadow = False
    _render_atomic(scene, out_dir / f"{EXTRA_RENDERS[extra][-1]}.png")
    return time.time() - t0


def main_extra(args, catalog):
    """--extra NAME: that extra's frames for each finished scene that lacks them."""
    done_frame = EXTRA_RENDERS[args.extra][-1] + ".png"
    for sid in [int(s) for s in args.ids.split(",") if s.strip()]:
        if args.deadline and time.time() > args.deadline:
            print("[scene] deadline reached", flush=True)
            break
        out_dir = Path(args.out) / f"{sid:06d}"
        if not (out_dir / "meta.json").exists() or (out_dir / done_frame).exists():
            continue
        meta = json.loads((out_dir / "meta.json").read_text())
        spec = sample_scene(catalog, args.seed, sid, meta.get("attempt", 0))
        if spec["light2"]["azimuth"] != meta["light2"]["azimuth"]:  # the catalog or sampler changed since
            print(f"[error] scene {sid}: its spec no longer samples the same; skipped", flush=True)
            continue
        try:
            el = render_extra(args.extra, spec, out_dir, catalog, args)
            print(f"[scene] {sid} {args.extra} {el:.1f}s", flush=True)
        except Exception:
            print(f"[error] scene {sid} {args.extra}:\n{traceback.format_exc()}", flush=True)


def main():
    args = parse_args()
    catalog = json.loads(Path(args.catalog).read_text())
    if args.extra:
        return main_extra(args, catalog)
    override = json.loads(args.override) if args.override else {}
    for sid in [int(s) for s in args.ids.split(",") if s.strip()]:
        if args.deadline and time.time() > args.deadline:
            print("[scene] deadline reached", flush=True)
            break
        out_dir = Path(args.out) / f"{sid:06d}"
        if (out_dir / "meta.json").exists():
            continue
        # a scene that crashed Blender (some OBJ files do) left its attempt file: re-pick its model
        att_file = out_dir / "attempt"
        attempt = int(att_file.read_text()) + 1 if att_file.exists() else 0
        while attempt < MAX_ATTEMPTS:
            out_dir.mkdir(parents=True, exist_ok=True)
            att_file.write_text(str(attempt))
            try:
                spec = sample_scene(catalog, args.seed, sid, attempt)
                for k, v in override.items():
                    spec[k] = dict(spec[k], **v) if isinstance(v, dict) and isinstance(spec.get(k), dict) else v
                el = render_scene(spec, out_dir, catalog, args)
                print(f"[scene] {sid} {spec['split']} {spec['model']['library']}/{spec['model']['id']} "
                      f"{el:.1f}s", flush=True)
                break
            except Exception:
                print(f"[error] scene {sid} attempt {attempt}:\n{traceback.format_exc()}", flush=True)
                attempt += 1

if __name__ == "__main__":
    main()
