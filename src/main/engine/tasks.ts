// The three edits, each from a decoded photo and its selection mask to the edited photo at the
// photo's own size. The network runs at the model's working size; transfer.ts brings the result
// back without losing the original's detail or touching pixels the edit does not own.
import type { Light } from '../../shared/light.ts'
import type { Raster } from '../image-io/index.ts'
import { resizeRaster } from '../image-io/index.ts'
import { expandRect, maskBounds, workingSize, type Size } from './geometry.ts'
import type { LoadedModel } from './model.ts'
import type { ModelSession } from './runtime.ts'
import { bridgePass, decode, encode, timed, type PassContext } from './network.ts'
import { fillHole } from './fill.ts'
import { applyShadowLift, findShadowLift } from './shadow-lift.ts'
import { featherSelection } from './feather.ts'
import { guidedTransfer, pasteBack, type TransferOptions } from './transfer.ts'
import { chwToRaster, cropRaster, maskRaster, planeToUnit, rasterToCHW, remap } from './tensor.ts'
import type { NoiseSource } from './sampler.ts'
import { averageOverViews, type Planes } from './views.ts'

export interface LatentCache {
  get(key: string): Float32Array | undefined
  set(key: string, z: Float32Array): void
}

export interface TaskInput {
  model: LoadedModel
  /** The photo (RGB or RGBA, 8 or 16 bit), upright. */
  image: Raster
  /** The selection at the photo's size, 0..255. */
  mask: Uint8Array
  steps: number
  seed: number
  /** Caps the working size below the model's (live preview). */
  maxLongSide?: number
  /** The live preview: shadow and relight decode with the VAE's preview decoder where it has one. */
  preview?: boolean
  /** Identifies the photo for the source-latent cache; undefined disables caching. */
  cacheKey?: string
  cache?: LatentCache
  noise?: NoiseSource
}

export class TaskInputError extends Error {}

/** An edited photo, and the size the network ran at. */
export interface TaskOutput {
  image: Raster
  working: Size
}

/** Working-size RGB planes of a raster in the VAE's pixel range, and in [0,1] for the transfer. */
async function workingPixels(model: LoadedModel, r: Raster, w: number, h: number) {
  const small = r.width === w && r.height === h ? r : await resizeRaster(r, w, h, { kernel: 'lanczos3' })
  const unit = rasterToCHW(small, 0, 1)
  const net = remap(Float32Array.from(unit), [0, 1], model.manifest.vae.pixelRange)
  return { unit, net }
}

async function workingMask(mask: Uint8Array, W: number, H: number, w: number, h: number): Promise<Float32Array> {
  if (W === w && H === h) return planeToUnit(mask)
  const small = await resizeRaster(maskRaster(mask, W, H), w, h, { kernel: 'linear' })
  return planeToUnit(small.data)
}

/** Per selection: the live preview moves the light over one mask, so its working size is made once. */
const workingMasks = new WeakMap<Uint8Array, { w: number; h: number; mask: Float32Array }>()

/** workingMask, kept with the selection array (read-only from then on). */
async function cachedWorkingMask(mask: Uint8Array, W: number, H: number, w: number, h: number): Promise<Float32Array> {
  const hit = workingMasks.get(mask)
  if (hit && hit.w === w && hit.h === h) return hit.mask
  const small = await workingMask(mask, W, H, w, h)
  workingMasks.set(mask, { w, h, mask: small })
  return small
}

async function cachedEncode(input: TaskInput, ctx: PassContext, key: string | undefined, pixels: () => Float32Array, w: number, h: number) {
  const hit = key ? input.cache?.get(key) : undefined
  if (hit) return hit
  const z = await timed(ctx, 'encode', () => encode(input.model, pixels(), w, h))
  if (key) input.cache?.set(key, z)
  return z
}

/**
 * The VAE's own reconstruction of the source, cached beside its latent. The edit is the output
 * minus this (not minus the source itself): the difference then holds the model's change only,
 * without the VAE's loss of fine detail, which the transfer would otherwise carry over as blur.
 */
async function cachedReconstruction(input: TaskInput, ctx: PassContext, key: string | undefined, z: Float32Array, lw: number, lh: number, decoder: ModelSession) {
  const k = key && `${key}|decoded${decoder === input.model.decoder ? '' : '|preview'}`
  const hit = k ? input.cache?.get(k) : undefined
  if (hit) return hit
  const pixels = await timed(ctx, 'decode', () => decode(input.model, z, lw, lh, decoder))
  if (k) input.cache?.set(k, pixels)
  return pixels
}

function requireSelection(input: TaskInput) {
  const bounds = maskBounds(input.mask, input.image.width, input.image.height)
  if (!bounds) throw new TaskInputError('the mask selects nothing (no pixel is above half white or opaque)')
  return bounds
}

/**
 * Object removal. Only a crop around the mask is processed (the work follows the mask, not the
 * photo); the masked region is filled as the model was trained (fill.ts), and the result
 * is pasted back through a dilated, feathered mask. Outside it, only where the model clearly lifted
 * the object's cast shadow does the original change, by a smooth gain (shadow-lift.ts); every other
 * pixel is the input's, bit for bit.
 */
export async function removeObject(input: TaskInput, ctx: PassContext): Promise<TaskOutput> {
  const { model, image } = input
  const bounds = requireSelection(input)
  const long = Math.max(image.width, image.height)
  const feather = Math.max(2, Math.round(long * 0.004))
  // The network sees the selection with context around it; only the feathered selection is pasted.
  const margin = Math.max(16, feather, Math.round(Math.max(bounds.width, bounds.height) * 0.5))
  const rect = expandRect(bounds, margin, image.width, image.height)
  const { width: w, height: h } = workingSize(rect.width, rect.height, model.manifest.resolution, input.maxLongSide)
  const crop = cropRaster(image, rect)
  const paste = featherSelection(input.mask, image.width, image.height, bounds, feather)
  const alpha = new Uint8Array(rect.width * rect.height) // the paste alpha within the crop
  const at = { left: paste.rect.left - rect.left, top: paste.rect.top - rect.top, width: paste.rect.width, height: paste.rect.height }
  for (let y = 0; y < at.height; y++) alpha.set(paste.alpha.subarray(y * at.width, (y + 1) * at.width), (at.top + y) * rect.width + at.left)

  const { net } = await workingPixels(model, crop, w, h)
  const before = Float32Array.from(net)
  const hole = await workingMask(alpha, rect.width, rect.height, w, h)
  const [lo, hi] = model.manifest.vae.pixelRange
  fillHole(model.manifest.holeFill ?? 'noise', net, hole, w, h, [lo, hi], input.seed)
  // The live preview runs one view; the full edit as many as the model asks for.
  const views = input.preview ? 1 : (model.manifest.viewAverage ?? 1)
  const photo: Planes = { data: net, channels: 3, width: w, height: h }
  const selection: Planes = { data: hole, channels: 1, width: w, height: h }
  const { data: out } = await averageOverViews([photo, selection], views, async ([p, m]) => {
    const [vw, vh] = [p.width, p.height]
    const zSource = await timed(ctx, 'encode', () => encode(model, p.data, vw, vh))
    const lat = model.manifest.vae.downsample
    const pixels = await bridgePass(model, zSource, vw / lat, vh / lat, { mask: { data: m.data, width: vw, height: vh } }, input, ctx)
    return { data: pixels, channels: 3, width: vw, height: vh }
  })
  const edited = await timed(ctx, 'transfer', async () => {
    const patchSmall = chwToRaster(out, w, h, lo, hi, image.bitDepth)
    // libvips resizes the patch on its own threads while the shadow lift is found and applied here.
    const patch = resizeRaster(patchSmall, rect.width, rect.height, { kernel: 'lanczos3', region: at })
    const lift = findShadowLift(before, out, hole, w, h, lo, hi)
    // The lift makes the one copy of the photo; the patch then goes into that copy.
    const lifted = lift ? applyShadowLift(image, rect, lift) : undefined
    return lifted ? pasteBack(lifted, await patch, paste.rect, paste.alpha, true) : pasteBack(image, await patch, paste.rect, paste.alpha)
  })
  return { image: edited, working: { width: w, height: h } }
}

/** Shared by shadow and relight (each checks the selection first): run at working size, transfer as a low-frequency change. */
async function lowFrequencyEdit(
  input: TaskInput,
  ctx: PassContext,
  lights: readonly Light[],
  weights: TransferOptions['weights'],
  background?: Raster
): Promise<TaskOutput> {
  const { model, image } = input
  const { width: w, height: h } = workingSize(image.width, image.height, model.manifest.resolution, input.maxLongSide)
  const lw = w / model.manifest.vae.downsample
  const lh = h / model.manifest.vae.downsample
  const key = input.cacheKey && `${model.vae.id}|${input.cacheKey}|${w}x${h}`
  // The working-size pixels are cached with the latent too: a light move then resizes nothing.
  const cachedUnit = key ? input.cache?.get(`${key}|pixels`) : undefined
  const unit = cachedUnit ?? (await workingPixels(model, image, w, h)).unit
  if (key && !cachedUnit) input.cache?.set(`${key}|pixels`, unit)
  const mask = await cachedWorkingMask(input.mask, image.width, image.height, w, h)
  const backdrop = background && (await workingPixels(model, background, w, h)).unit
  // The preview's decoder is softer than the VAE's, but the edit and the reconstruction it is
  // measured against both go through it, so most of that cancels in their difference.
  const decoder = (input.preview && model.previewDecoder) || model.decoder
  const range = model.manifest.vae.pixelRange
  // The live preview runs one view; the full edit as many as the model asks for (here at most
  // the mirror image, under the mirrored lights: the ground stays below).
  const views = input.preview ? 1 : (model.manifest.viewAverage ?? 1)
  const planes: Planes[] = [{ data: unit, channels: 3, width: w, height: h }, { data: mask, channels: 1, width: w, height: h }]
  if (backdrop) planes.push({ data: backdrop, channels: 3, width: w, height: h })
  const { data: change } = await averageOverViews(planes, views, async ([u, m, bg], view) => {
    const viewKey = key && (view ? `${key}|view${view}` : key)
    const zSource = await cachedEncode(input, ctx, viewKey, () => remap(Float32Array.from(u.data), [0, 1], range), w, h)
    const images: Record<string, Float32Array> = {}
    for (const spec of model.manifest.conditioning) {
      if (spec.kind !== 'image') continue
      // The only image conditioning the tasks know is the background; without one, the photo is its own.
      images[spec.name] = bg ? await timed(ctx, 'encode', () => encode(model, remap(Float32Array.from(bg.data), [0, 1], range), w, h)) : zSource
    }
    const cond = { mask: { data: m.data, width: w, height: h }, lights: view & 1 ? lights.map(mirrorLight) : lights, images }
    const out = await bridgePass(model, zSource, lw, lh, cond, { steps: input.steps, seed: input.seed, noise: input.noise, decoder }, ctx)
    const recon = await cachedReconstruction(input, ctx, viewKey, zSource, lw, lh, decoder)
    for (let i = 0; i < out.length; i++) out[i] -= recon[i]
    return { data: out, channels: 3, width: w, height: h }
  })
  const edited = await timed(ctx, 'transfer', () => {
    const k = 1 / (range[1] - range[0])
    const after = new Float32Array(change.length)
    for (let i = 0; i < after.length; i++) after[i] = unit[i] + change[i] * k
    return guidedTransfer(image, unit, after, w, h, { radius: 2, eps: 1e-3, weights })
  })
  return { image: edited, working: { width: w, height: h } }
}

/** The light of the mirror image: azimuth a becomes 180 - a (training/lbm/pairs.py `mirrored`). */
function mirrorLight(light: Light): Light {
  return { ...light, azimuth: (((180 - light.azimuth) % 360) + 360) % 360 }
}

/**
 * Cast shadow: the subject's own pixels never change; `strength` scales the darkening. The shadow
 * is kept near its subject: full weight within one subject size (the long side of the mask's
 * bounding box) of that box, fading to none at two, so darkening the model puts far from the
 * subject (a small model's stray blob on a wall) does not reach the photo.
 */
export async function castShadow(input: TaskInput, ctx: PassContext, light: Light, strength: number): Promise<TaskOutput> {
  // nearSubject checks the selection (a cached selection was checked when it was cached).
  return lowFrequencyEdit(input, ctx, [light], { mask: nearSubject(input), invert: false, scale: strength })
}

/** Per selection (the live preview moves the light over one mask): the weights of `nearSubject`. */
const nearWeights = new WeakMap<Uint8Array, Uint8Array>()

/** 255 - the selection, faded to 0 between one and two subject sizes from the selection's box. */
function nearSubject(input: TaskInput): Uint8Array {
  const cached = nearWeights.get(input.mask)
  if (cached) return cached
  const { width: W, height: H } = input.image
  const box = requireSelection(input)
  const size = Math.max(box.width, box.height)
  const weights = new Uint8Array(W * H) // zero: beyond two sizes
  const mask = input.mask
  const [near2, far2] = [size * size, 4 * size * size]
  for (let y = 0; y < H; y++) {
    const dy = Math.max(0, box.top - y, y - (box.top + box.height - 1))
    if (dy * dy >= far2) continue
    const row = y * W
    // Only the columns within two sizes of the box; squared distances spare a root per pixel.
    const reach = Math.sqrt(far2 - dy * dy)
    const x0 = Math.max(0, Math.ceil(box.left - reach))
    const x1 = Math.min(W - 1, Math.floor(box.left + box.width - 1 + reach))
    for (let x = x0; x <= x1; x++) {
      const dx = Math.max(0, box.left - x, x - (box.left + box.width - 1))
      const d2 = dx * dx + dy * dy
      const i = row + x
      if (d2 <= near2) weights[i] = 255 - mask[i]
      else if (d2 < far2) weights[i] = Math.round((255 - mask[i]) * (2 - Math.sqrt(d2) / size))
    }
  }
  nearWeights.set(input.mask, weights)
  return weights
}

/** Relighting: only the subject changes (feathered by the mask's own soft edge). */
export async function relight(input: TaskInput, ctx: PassContext, lights: readonly Light[], background?: Raster): Promise<TaskOutput> {
  requireSelection(input)
  return lowFrequencyEdit(input, ctx, lights, { mask: input.mask, invert: false, scale: 1 }, background)
}

/** Pastes the subject (mask) of `image` onto `background` (same size): the relighting source. */
export function compositeOnto(image: Raster, mask: Uint8Array, background: Raster): Raster {
  const C = image.channels
  const B = background.channels
  const data = image.data instanceof Uint16Array ? Uint16Array.from(image.data) : Uint8Array.from(image.data)
  for (let i = 0; i < mask.length; i++) {
    const a = mask[i] / 255
    if (a === 1) continue
    for (let c = 0; c < 3; c++) data[i * C + c] = Math.round(background.data[i * B + c] * (1 - a) + image.data[i * C + c] * a)
  }
  return { ...image, data }
}
