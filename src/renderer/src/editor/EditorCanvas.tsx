// The canvas: the picture (or the original while comparing, or both split), the mask overlay, the
// shape being drawn and the light handle, in one Konva stage driven by the stage adapter.
import type Konva from 'konva'
import { useEffect, useMemo, useRef, useState } from 'react'
import { Circle, Group, Image as KImage, Layer, Line, Rect, Stage } from 'react-konva'
import type { MaskOp, Point } from '../tools/types.ts'
import { MASK_COLOUR } from './mask-canvas.ts'
import type { StageAdapter } from './stage-adapter.ts'
import type { View } from './view.ts'

export interface CanvasProps {
  box: { width: number; height: number }
  view: View
  size: { width: number; height: number }
  shown: HTMLImageElement | undefined
  original: HTMLImageElement | undefined
  /** 0..1 of the width showing the original on the left, or null for no split. */
  split: number | null
  mask: HTMLCanvasElement
  maskVersion: number
  overlayOpacity: number
  showOverlay: boolean
  draft: MaskOp | null
  light: { centre: Point; handles: Point[]; active: number } | null
  adapter: StageAdapter
  cursor: string
}

export function EditorCanvas(p: CanvasProps) {
  const overlay = useRef<Konva.Layer>(null)
  useEffect(() => void overlay.current?.batchDraw(), [p.maskVersion])
  const k = 1 / p.view.scale // constant screen-size strokes
  return (
    <Stage
      width={p.box.width}
      height={p.box.height}
      x={p.view.x}
      y={p.view.y}
      scaleX={p.view.scale}
      scaleY={p.view.scale}
      onPointerDown={p.adapter.onPointerDown}
      onPointerMove={p.adapter.onPointerMove}
      onPointerUp={p.adapter.onPointerUp}
      onWheel={p.adapter.onWheel}
      style={{ cursor: p.cursor }}
    >
      <Layer listening={false} imageSmoothingEnabled={p.view.scale < 2}>
        <Rect width={p.size.width} height={p.size.height} fill="#111" />
        {p.shown && <KImage image={p.shown} width={p.size.width} height={p.size.height} />}
        {p.split !== null && p.original && (
          <>
            <Group clipX={0} clipY={0} clipWidth={p.split * p.size.width} clipHeight={p.size.height}>
              <KImage image={p.original} width={p.size.width} height={p.size.height} />
            </Group>
            <Line points={[p.split * p.size.width, 0, p.split * p.size.width, p.size.height]} stroke="#fff" strokeWidth={2 * k} />
          </>
        )}
      </Layer>
      <Layer ref={overlay} listening={false}>
        {p.showOverlay && <KImage image={p.mask} width={p.size.width} height={p.size.height} opacity={p.overlayOpacity} />}
        {p.draft && <Draft op={p.draft} k={k} />}
        {p.light && <LightHandle {...p.light} k={k} />}
      </Layer>
    </Stage>
  )
}

function Draft({ op, k }: { op: MaskOp; k: number }) {
  const colour = 'mode' in op && op.mode === 'subtract' ? '#ffffff' : MASK_COLOUR
  switch (op.kind) {
    case 'stroke':
      return op.points.length === 2 ? (
        <Circle x={op.points[0]} y={op.points[1]} radius={op.size / 2} fill={colour} opacity={0.6} />
      ) : (
        <Line points={op.points} stroke={colour} strokeWidth={op.size} lineCap="round" lineJoin="round" opacity={0.6} />
      )
    case 'rect':
      return <Rect x={op.x} y={op.y} width={op.width} height={op.height} stroke={colour} strokeWidth={1.5 * k} dash={[6 * k, 4 * k]} fill={colour} opacity={0.5} />
    case 'lasso':
      return <Line points={op.points} closed stroke={colour} strokeWidth={1.5 * k} dash={[6 * k, 4 * k]} fill={colour} opacity={0.5} />
    default:
      return null
  }
}

function LightHandle({ centre, handles, active, k }: { centre: Point; handles: Point[]; active: number; k: number }) {
  return (
    <Group>
      <Circle x={centre.x} y={centre.y} radius={4 * k} fill="#ffd54f" />
      {handles.map((h, i) => (
        <Group key={i} opacity={i === active ? 1 : 0.55}>
          <Line points={[centre.x, centre.y, h.x, h.y]} stroke="#ffd54f" strokeWidth={1.5 * k} dash={[4 * k, 4 * k]} />
          <Circle x={h.x} y={h.y} radius={(i === active ? 11 : 8) * k} fill="#ffd54f" stroke="#3a2e00" strokeWidth={2 * k} shadowBlur={8 * k} shadowColor="#ffd54f" />
        </Group>
      ))}
    </Group>
  )
}

/** An <img> for a base64 PNG, ready to draw (undefined while it decodes). */
export function usePngImage(base64: string | undefined): HTMLImageElement | undefined {
  const [image, setImage] = useState<HTMLImageElement>()
  const src = useMemo(() => (base64 ? `data:image/png;base64,${base64}` : undefined), [base64])
  useEffect(() => {
    if (!src) return setImage(undefined)
    const img = new window.Image()
    let live = true
    img.onload = () => live && setImage(img)
    img.src = src
    return () => {
      live = false
    }
  }, [src])
  return image
}
