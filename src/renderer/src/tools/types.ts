// What tools speak: pointer events in photo coordinates (the stage adapter converts), and the mask
// operations they produce. Pure data, so tools are tested without a DOM or Konva.

export interface Point {
  x: number
  y: number
}

export interface ToolPointer extends Point {
  /** 0 = primary, 1 = middle, 2 = secondary (DOM numbering). */
  button: number
  shift?: boolean
  alt?: boolean
}

/** Add paints the selection; subtract takes it away. */
export type MaskMode = 'add' | 'subtract'

/** One change to the mask, in photo coordinates of the view image; applied in order. */
export type MaskOp =
  | { kind: 'stroke'; mode: MaskMode; size: number; points: number[]; hardness?: number }
  | { kind: 'rect'; mode: MaskMode; x: number; y: number; width: number; height: number }
  | { kind: 'lasso'; mode: MaskMode; points: number[] }
  | { kind: 'clear' }
  | { kind: 'invert' }
  /** A mask loaded from a file, replacing the selection; the pixels live in a registry under `id`. */
  | { kind: 'image'; id: string }

/** What a tool may do to the editor: the editor implements it, tests record it. */
export interface ToolHost {
  /** Brush and eraser size in view pixels. */
  brushSize(): number
  /** 0 = soft edge, 1 = hard (the default). */
  brushHardness?(): number
  /** The shape being drawn, shown but not yet in the mask (null: none). */
  setDraft(op: MaskOp | null): void
  /** A gesture begins: history marks here. */
  begin(): void
  /** The gesture's lasting result: history squashes everything since begin into one step. */
  commitMask(op: MaskOp): void
  /** Selects the subject under a click (the automatic selection's, one undo step when it answers). */
  pickSubject(p: Point): void
  /** Moves the light to a point of the view (live, during a drag). */
  moveLight(p: Point): void
  /** Ends a gesture that changed things through moveLight: one undo step. */
  commit(): void
  /** Esc or a lost pointer: everything since begin is undone (history bails). */
  bail(): void
}
