// The model bundle format: `models/<id>/model.json`. Validated strictly (unknown keys fail) so a
// typo in a hand-edited manifest is an error, not a silently ignored field. The format follows the
// reference LBM conventions (see models/README.md) so that a bigger exported model can be dropped in.
import { z } from 'zod'

export const MANIFEST_FORMAT = 'lbm-studio/model@1'

export const TASKS = ['remove', 'shadow', 'relight'] as const
export type Task = (typeof TASKS)[number]

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256')
const fileRef = z.strictObject({
  path: z.string().min(1).refine((p) => !p.includes('..') && !p.startsWith('/'), 'must stay inside the bundle'),
  sha256,
  /** Optional: FLOPs per pixel of the network's spatial input, for the benchmark's GFLOP/s. */
  flopsPerPixel: z.number().positive().optional()
})
const provenance = z.strictObject({
  data: z.array(z.string()).min(1),
  training: z.string().min(1)
})
const pixelRange = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, 'low must be below high')
const common = {
  format: z.literal(MANIFEST_FORMAT),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, . _ -'),
  name: z.string().min(1),
  version: z.string().min(1),
  license: z.string().min(1),
  provenance
}

/**
 * A VAE shared by several task models. Encoder `image` [1,3,H,W] -> `latent` [1,C,H/f,W/f] (unscaled).
 * Optional `previewDecoder`: a smaller decoder with the decoder's I/O (distilled from it), used
 * only by the live preview, where the decoder is the largest cost of a light move.
 */
export const vaeManifestSchema = z.strictObject({
  ...common,
  kind: z.literal('vae'),
  latentChannels: z.number().int().positive(),
  downsample: z.number().int().positive(),
  pixelRange,
  files: z.strictObject({ encoder: fileRef, decoder: fileRef, previewDecoder: fileRef.optional() })
})

/** How a conditioning map reaches latent size. Masks are resized, light maps and shadow projections rendered, images VAE-encoded. */
const conditioningSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('mask'),
    channels: z.literal(1),
    resize: z.enum(['bilinear', 'area', 'nearest'])
  }),
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('lightMap'),
    channels: z.union([z.literal(1), z.literal(3)]),
    resize: z.literal('render')
  }),
  /**
   * The selection's silhouette projected along the (first) light, at latent size: training/lbm/projection.py.
   * `sweep`: how far back, in widths of the selection, the cut-out is swept (absent: 0, a flat cut-out).
   */
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('shadowProjection'),
    channels: z.literal(1),
    resize: z.literal('render'),
    sweep: z.number().min(0).max(4).optional()
  }),
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('image'),
    channels: z.number().int().positive(),
    resize: z.literal('vae-encode')
  })
])
export type ConditioningSpec = z.infer<typeof conditioningSchema>

/** Light maps: Gaussian blobs placed on a polar chart (centre = overhead); spread grows with softness. */
export const lightMapSpecSchema = z.strictObject({
  projection: z.literal('polar'),
  spreadMin: z.number().positive(),
  spreadMax: z.number().positive()
})
export type LightMapSpec = z.infer<typeof lightMapSpecSchema>

export const HOLE_FILLS = ['noise', 'pushpull'] as const
export type HoleFill = (typeof HOLE_FILLS)[number]

const steps = z.union([z.literal(1), z.literal(2), z.literal(4)])

export const lbmManifestSchema = z
  .strictObject({
    ...common,
    kind: z.literal('lbm'),
    task: z.enum(TASKS),
    vae: z.strictObject({
      id: z.string().min(1),
      latentChannels: z.number().int().positive(),
      downsample: z.number().int().positive(),
      /** z = (encoder output - shift) * scale; the decoder receives z / scale + shift. */
      scale: z.number().positive(),
      shift: z.number(),
      pixelRange
    }),
    /** Order matters: it is the channel order of the denoiser input after the latent. */
    conditioning: z.array(conditioningSchema),
    lightMap: lightMapSpecSchema.optional(),
    sampler: z.strictObject({
      defaultSteps: steps,
      allowedSteps: z.array(steps).min(1),
      bridgeNoiseSigma: z.number().min(0)
    }),
    /** remove: how the source's hole is filled before encoding (training/lbm/fill.py); absent: `noise`, the paper's. */
    holeFill: z.enum(HOLE_FILLS).optional(),
    /**
     * Run the network on this many views of its input and average the outputs back, for as many
     * times the network time (the live preview runs one); absent: 1. remove: 1, 2, 4 or 8 views of
     * the crop (the identity, its mirror image, both flipped top to bottom, all transposed;
     * src/main/engine/views.ts). shadow and relight: 1 or 2, the mirror image under mirrored lights.
     * Set by the exporter where it measured a gain on validation; only for a model trained on such views.
     */
    viewAverage: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8)]).optional(),
    resolution: z.strictObject({
      min: z.number().int().positive(),
      maxLongSide: z.number().int().positive(),
      multiple: z.number().int().positive()
    }),
    files: z.strictObject({ denoiser: fileRef })
  })
  .superRefine((m, ctx) => {
    const issue = (message: string, path: (string | number)[]) => ctx.addIssue({ code: 'custom', message, path })
    if (!m.sampler.allowedSteps.includes(m.sampler.defaultSteps)) {
      issue('defaultSteps must be one of allowedSteps', ['sampler', 'defaultSteps'])
    }
    const hasLight = m.conditioning.some((c) => c.kind === 'lightMap')
    if (hasLight !== (m.lightMap !== undefined)) {
      issue('lightMap is required exactly when a lightMap conditioning is listed', ['lightMap'])
    }
    // Reference LBM order: masks first, then the other maps.
    const firstNonMask = m.conditioning.findIndex((c) => c.kind !== 'mask')
    if (firstNonMask >= 0 && m.conditioning.slice(firstNonMask).some((c) => c.kind === 'mask')) {
      issue('masks come first in the conditioning order', ['conditioning'])
    }
    if (m.resolution.multiple % m.vae.downsample !== 0) {
      issue('resolution.multiple must be a multiple of the VAE downsampling factor', ['resolution', 'multiple'])
    }
    m.conditioning.forEach((c, i) => {
      if (c.kind === 'image' && c.channels !== m.vae.latentChannels) {
        issue('a VAE-encoded image has as many channels as the latent', ['conditioning', i, 'channels'])
      }
    })
    if (m.resolution.min > m.resolution.maxLongSide) issue('min exceeds maxLongSide', ['resolution'])
    if (m.conditioning.some((c) => c.kind === 'shadowProjection') && m.task !== 'shadow') {
      issue('a shadowProjection is for shadow models only (it needs the selection and a light)', ['conditioning'])
    }
    if (m.holeFill !== undefined && m.task !== 'remove') issue('holeFill is for remove models only', ['holeFill'])
    // A shadow or relight model sees the ground below and its lights mirrored: no flip, no transpose.
    if ((m.viewAverage ?? 1) > 2 && m.task !== 'remove') issue('viewAverage is 1 or 2 (the mirror image) for shadow and relight models', ['viewAverage'])
  })

/**
 * Subject selection: one network, `image` [1,3,H,W] in `pixelRange` -> `mask` [1,1,H,W], the
 * subject's probability in [0,1]. It runs on the whole photo resized to a long side of
 * `resolution.longSide` (sides rounded to multiples of `resolution.multiple`); the app upsamples
 * the mask to the photo's size edge-aware (a guided filter with the photo as guide).
 */
export const segmentManifestSchema = z.strictObject({
  ...common,
  kind: z.literal('segment'),
  pixelRange,
  resolution: z.strictObject({
    longSide: z.number().int().min(16).max(4096),
    multiple: z.number().int().positive()
  }),
  /**
   * Average the network's mask over the photo and its mirror image (twice the network time): set
   * by the exporter where it measured a gain on validation; a model trained without flips may not want it.
   */
  flipAverage: z.boolean().optional(),
  /**
   * Cut the network's unsure pixels (between 1 - `sure` and `sure`) with GrabCut on the photo at
   * the working size, colour models fitted to the sure ones: set by the exporter where it measured
   * a gain on validation.
   */
  grabCut: z.strictObject({
    iterations: z.number().int().min(1).max(10),
    sure: z.number().gt(0.5).lt(1)
  }).optional(),
  files: z.strictObject({ segmenter: fileRef })
}).refine((m) => m.resolution.longSide % m.resolution.multiple === 0, { message: 'longSide must be a multiple of multiple', path: ['resolution', 'longSide'] })

export type VaeManifest = z.infer<typeof vaeManifestSchema>
export type LbmManifest = z.infer<typeof lbmManifestSchema>
export type SegmentManifest = z.infer<typeof segmentManifestSchema>
export const MODEL_KINDS = ['lbm', 'vae', 'segment'] as const
export type ModelKind = (typeof MODEL_KINDS)[number]
export const manifestSchema = z.union([lbmManifestSchema, vaeManifestSchema, segmentManifestSchema])
export type Manifest = LbmManifest | VaeManifest | SegmentManifest

/** ONNX I/O names of the bundle format (shapes are NCHW float32). */
export const ONNX_IO = {
  encoder: { inputs: ['image'], outputs: ['latent'] },
  decoder: { inputs: ['latent'], outputs: ['image'] },
  denoiser: { inputs: ['sample', 'timestep'], outputs: ['v'] },
  segmenter: { inputs: ['image'], outputs: ['mask'] }
} as const

/** Channels the denoiser's `sample` input must have: latent plus every conditioning map. */
export function denoiserInputChannels(m: LbmManifest): number {
  return m.vae.latentChannels + m.conditioning.reduce((n, c) => n + c.channels, 0)
}
