// The mask as pixels: the document keeps MaskOps (small, undoable); this replays them onto a
// canvas the size of the view image, for the overlay, the subject's centre and the PNG that goes
// to the engine (white = selected on black; the engine scales it to the photo).
import type { MaskOp } from '../tools/types.ts'

export const MASK_COLOUR = 'rgb(255, 59, 92)'

/** Masks loaded from files, by the id their 'image' op names (already in MASK_COLOUR with alpha = selection). */
const loadedMasks = new Map<string, HTMLCanvasElement>()

/**
 * Registers a mask picture (white = selected, or transparent = not selected) scaled to
 * width x height, and answers the id for an 'image' op.
 */
export function registerMaskImage(img: CanvasImageSource, width: number, height: number): string {
  const c = document.createElement('canvas')
  c.width = width
  c.height = height
  const ctx = c.getContext('2d', { willReadFrequently: true })!
  ctx.drawImage(img, 0, 0, width, height)
  const px = ctx.getImageData(0, 0, width, height)
  const d = px.data
  let opaque = true
  for (let i = 3; i < d.length && opaque; i += 4) opaque = d[i] === 255
  const [r, g, b] = [255, 59, 92]
  for (let i = 0; i < d.length; i += 4) {
    const sel = opaque ? Math.round(0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]) : d[i + 3]
    d[i] = r
    d[i + 1] = g
    d[i + 2] = b
    d[i + 3] = sel
  }
  ctx.putImageData(px, 0, 0)
  const id = `mask-${loadedMasks.size + 1}-${Date.now().toString(36)}`
  loadedMasks.set(id, c)
  return id
}

export function drawOp(ctx: CanvasRenderingContext2D, op: MaskOp, width: number, height: number, colour = MASK_COLOUR): void {
  ctx.save()
  if (op.kind === 'clear') ctx.clearRect(0, 0, width, height)
  else if (op.kind === 'image') {
    ctx.clearRect(0, 0, width, height)
    const img = loadedMasks.get(op.id)
    if (img) ctx.drawImage(img, 0, 0, width, height)
  } else if (op.kind === 'invert') {
    ctx.globalCompositeOperation = 'xor'
    ctx.fillStyle = colour
    ctx.fillRect(0, 0, width, height)
  } else {
    ctx.globalCompositeOperation = op.mode === 'add' ? 'source-over' : 'destination-out'
    ctx.fillStyle = colour
    ctx.strokeStyle = colour
    if (op.kind === 'rect') ctx.fillRect(op.x, op.y, op.width, op.height)
    else if (op.kind === 'lasso') {
      ctx.beginPath()
      tracePoints(ctx, op.points)
      ctx.closePath()
      ctx.fill()
    } else {
      ctx.lineWidth = op.size
      // A soft brush: the edge fades over a quarter of the size at hardness 0.
      if (op.hardness !== undefined && op.hardness < 1) ctx.filter = `blur(${((1 - op.hardness) * op.size) / 8}px)`
      ctx.lineCap = 'round'
      ctx.lineJoin = 'round'
      ctx.beginPath()
      if (op.points.length === 2) {
        ctx.arc(op.points[0], op.points[1], op.size / 2, 0, Math.PI * 2)
        ctx.fill()
      } else {
        tracePoints(ctx, op.points)
        ctx.stroke()
      }
    }
  }
  ctx.restore()
}

function tracePoints(ctx: CanvasRenderingContext2D, points: number[]): void {
  ctx.moveTo(points[0], points[1])
  for (let i = 2; i < points.length; i += 2) ctx.lineTo(points[i], points[i + 1])
}

/** Replays the ops onto the canvas (cleared first). */
export function renderMask(canvas: HTMLCanvasElement, ops: readonly MaskOp[]): void {
  const ctx = canvas.getContext('2d')!
  ctx.clearRect(0, 0, canvas.width, canvas.height)
  for (const op of ops) drawOp(ctx, op, canvas.width, canvas.height)
}

/** The mask as the engine wants it: an opaque PNG, white where selected, base64. */
export async function maskPngBase64(mask: HTMLCanvasElement): Promise<string> {
  const out = document.createElement('canvas')
  out.width = mask.width
  out.height = mask.height
  const ctx = out.getContext('2d')!
  ctx.drawImage(mask, 0, 0)
  ctx.globalCompositeOperation = 'source-in'
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.globalCompositeOperation = 'destination-over'
  ctx.fillStyle = '#000'
  ctx.fillRect(0, 0, out.width, out.height)
  const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'))
  if (!blob) throw new Error('the mask could not be encoded')
  return blobToBase64(blob)
}

export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Whether any pixel is selected. */
export function maskIsEmpty(mask: HTMLCanvasElement): boolean {
  const data = mask.getContext('2d')!.getImageData(0, 0, mask.width, mask.height).data
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return false
  return true
}
