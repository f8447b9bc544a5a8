"""Reconstruction quality of a VAE on the 24 Kodak photos, which training never sees (500x500 here):
the centre 496x496 crop of each (a multiple of 8, no resampling), PSNR and SSIM of decode(encode(x)).

    /usr/bin/python3 training/eval_vae.py --checkpoint .cache/runs/lbm-vae-s8/best.pt [--json out.json]
        [--preview-decoder .cache/runs/lbm-vae-s8-preview/best.pt]

With `--preview-decoder` (a `kind: preview-decoder` run), the distilled decoder decodes the same
latents too: its PSNR and SSIM against the photo, and its PSNR against the full decoder's output.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lbm.checkpoint import load_preview_decoder, load_vae  # noqa: E402
from lbm.data import PHOTOS, list_images, load_rgb  # noqa: E402
from lbm.losses import psnr, ssim  # noqa: E402
from lbm.models import Decoder, Encoder  # noqa: E402


def kodak_crops(size: int = 496) -> list[tuple[str, torch.Tensor]]:
    out = []
    for p in list_images(PHOTOS / "kodak24"):
        a = load_rgb(p)
        h, w, _ = a.shape
        crop = a[(h - size) // 2:(h + size) // 2, (w - size) // 2:(w + size) // 2]
        out.append((p.name, torch.from_numpy(crop.copy()).permute(2, 0, 1).float()[None] / 127.5 - 1))
    return out


@torch.no_grad()
def evaluate(enc: Encoder, dec: Decoder, preview: Decoder | None = None) -> dict:
    enc.eval(), dec.eval()
    rows = []
    for name, x in kodak_crops():
        z = enc(x)
        y = dec(z).clamp(-1, 1)
        row = {"photo": name, "psnr": psnr(y, x), "ssim": ssim(y, x)}
        if preview is not None:
            p = preview.eval()(z).clamp(-1, 1)
            row |= {"preview_psnr": psnr(p, x), "preview_ssim": ssim(p, x), "preview_vs_decoder_psnr": psnr(p, y)}
        rows.append(row)
    mean = lambda k: sum(r[k] for r in rows) / len(rows)
    keys = [k for k in rows[0] if k != "photo"]
    return {"set": "kodak24, centre 496x496", **{k: mean(k) for k in keys}, "photos": rows}



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, required=True)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--preview-decoder", type=Path, help="a preview-decoder run's checkpoint, evaluated on the same latents")
    args = ap.parse_args()
    torch.set_num_threads(2)
    enc, dec, state = load_vae(args.checkpoint)
    preview = load_preview_decoder(args.preview_decoder)[0] if args.preview_decoder else None
    result = evaluate(enc, dec, preview) | {"step": state.get("step")}
    print(f"Kodak (24 photos, centre 496x496): PSNR {result['psnr']:.2f} dB, SSIM {result['ssim']:.4f} (step {state.get('step')})")
    if preview is not None:
        print(f"preview decoder: PSNR {result['preview_psnr']:.2f} dB, SSIM {result['preview_ssim']:.4f}; "
              f"against the full decoder {result['preview_vs_decoder_psnr']:.2f} dB")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
