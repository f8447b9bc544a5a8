// Plane resizing that matches PyTorch's F.interpolate, because the conditioning maps a model
// was trained with were made that way: bilinear (align_corners=False, no antialias) and area
// (adaptive average pooling).

/** Bilinear resize of C planes (CHW) from sw x sh to dw x dh, as torch bilinear, align_corners=False. */
export function resizeBilinear(src: Float32Array, channels: number, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(channels * dw * dh)
  const xs = axisTaps(sw, dw)
  const ys = axisTaps(sh, dh)
  for (let c = 0; c < channels; c++) {
    const s = c * sw * sh
    const o = c * dw * dh
    for (let i = 0; i < dh; i++) {
      const r0 = s + ys.i0[i] * sw
      const r1 = s + ys.i1[i] * sw
      const wy = ys.w[i]
      for (let j = 0; j < dw; j++) {
        const a = src[r0 + xs.i0[j]] * (1 - xs.w[j]) + src[r0 + xs.i1[j]] * xs.w[j]
        const b = src[r1 + xs.i0[j]] * (1 - xs.w[j]) + src[r1 + xs.i1[j]] * xs.w[j]
        out[o + i * dw + j] = a * (1 - wy) + b * wy
      }
    }
  }
  return out
}

/** Source taps and weights along one axis (half-pixel centres, clamped at the borders). */
export function axisTaps(size: number, outSize: number): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const scale = size / outSize
  const i0 = new Int32Array(outSize)
  const i1 = new Int32Array(outSize)
  const w = new Float32Array(outSize)
  for (let k = 0; k < outSize; k++) {
    const x = Math.max((k + 0.5) * scale - 0.5, 0)
    const f = Math.min(Math.floor(x), size - 1)
    i0[k] = f
    i1[k] = Math.min(f + 1, size - 1)
    w[k] = x - f
  }
  return { i0, i1, w }
}

/** Area resize (torch mode='area', i.e. adaptive average pooling). */
export function resizeArea(src: Float32Array, channels: number, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (sw % dw === 0 && sh % dh === 0) return poolBlocks(src, channels, sw, sh, sw / dw, sh / dh)
  const out = new Float32Array(channels * dw * dh)
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < dh; i++) {
      const y0 = Math.floor((i * sh) / dh)
      const y1 = Math.ceil(((i + 1) * sh) / dh)
      for (let j = 0; j < dw; j++) {
        const x0 = Math.floor((j * sw) / dw)
        const x1 = Math.ceil(((j + 1) * sw) / dw)
        let sum = 0
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += src[c * sw * sh + y * sw + x]
        out[c * dw * dh + i * dw + j] = sum / ((y1 - y0) * (x1 - x0))
      }
    }
  }
  return out
}

/**
 * resizeArea for whole-number factors: every output pixel is the mean of its own kx x ky block
 * (the windows adaptive pooling picks then), summed in the same order, without per-pixel bounds.
 */
function poolBlocks(src: Float32Array, channels: number, sw: number, sh: number, kx: number, ky: number): Float32Array {
  const dw = sw / kx
  const dh = sh / ky
  const out = new Float32Array(channels * dw * dh)
  const n = kx * ky
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < dh; i++) {
      const o = c * dw * dh + i * dw
      const top = c * sw * sh + i * ky * sw
      for (let j = 0; j < dw; j++) {
        let sum = 0
        for (let y = 0; y < ky; y++) {
          const row = top + y * sw + j * kx
          for (let x = 0; x < kx; x++) sum += src[row + x]
        }
        out[o + j] = sum / n
      }
    }
  }
  return out
}

/** Nearest resize (torch mode='nearest': floor of the scaled index). */
export function resizeNearest(src: Float32Array, channels: number, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(channels * dw * dh)
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < dh; i++) {
      const y = Math.min(Math.floor((i * sh) / dh), sh - 1)
      for (let j = 0; j < dw; j++) {
        const x = Math.min(Math.floor((j * sw) / dw), sw - 1)
        out[c * dw * dh + i * dw + j] = src[c * sw * sh + y * sw + x]
      }
    }
  }
  return out
}
