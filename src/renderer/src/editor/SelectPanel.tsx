// The selection's controls: the tools, brush size and hardness, the overlay, invert and clear,
// grow/shrink and feather, and loading a mask from a file.
import { useState } from 'react'
import { TOOL_IDS, TOOL_LABELS, type MaskOp, type ToolId } from '../tools/index.ts'
import type { MaskRefine } from './document.ts'
import type { SliderProps } from './LightPanel.tsx'

export interface SelectPanelProps {
  toolId: ToolId
  chooseTool: (id: ToolId) => void
  brushSize: number
  setBrushSize: (v: number) => void
  hardness: number
  setHardness: (v: number) => void
  overlayOpacity: number
  setOverlayOpacity: (v: number) => void
  refine: MaskRefine
  refineSlider: (key: keyof MaskRefine) => SliderProps
  addOp: (op: MaskOp) => void
  loadMask: (file: string) => void
  /** Fills the selection with the automatic subject mask (one undo step). */
  selectSubject: () => void
  /** True while the subject is being selected. */
  selecting: boolean
  enabled: boolean
  /** The bundled sample's masks, offered while the sample photo is open. */
  sampleMasks: { object: string; subject: string } | null
}

export function SelectPanel(p: SelectPanelProps) {
  const { toolId, chooseTool, brushSize, setBrushSize, hardness, setHardness, overlayOpacity, setOverlayOpacity, refine, refineSlider, addOp, loadMask, selectSubject, selecting, enabled, sampleMasks } = p
  const [maskField, setMaskField] = useState('')
  return (
    <fieldset>
      <legend>Select</legend>
      <div className="tools" role="toolbar" aria-label="Tools">
        {TOOL_IDS.map((id) => (
          <button key={id} type="button" aria-pressed={toolId === id} title={`${TOOL_LABELS[id].label} (${TOOL_LABELS[id].key})`} onClick={() => chooseTool(id)}>
            {TOOL_LABELS[id].label}
          </button>
        ))}
      </div>
      <span className="row">
        <button type="button" onClick={selectSubject} disabled={!enabled || selecting} title="Select the main subject automatically, then refine it (S)">
          {selecting ? 'Selecting…' : 'Select subject'}
        </button>
      </span>
      <label className="slider">
        Brush size ({brushSize}px) [ ]
        <input type="range" min={2} max={400} value={brushSize} onChange={(e) => setBrushSize(Number(e.target.value))} aria-label="Brush size" />
      </label>
      <label className="slider">
        Hardness
        <input type="range" min={0} max={1} step={0.05} value={hardness} onChange={(e) => setHardness(Number(e.target.value))} aria-label="Hardness" />
      </label>
      <label className="slider">
        Overlay opacity
        <input type="range" min={0} max={1} step={0.05} value={overlayOpacity} onChange={(e) => setOverlayOpacity(Number(e.target.value))} aria-label="Overlay opacity" />
      </label>
      <span className="row">
        <button type="button" onClick={() => addOp({ kind: 'invert' })} disabled={!enabled}>
          Invert
        </button>
        <button type="button" onClick={() => addOp({ kind: 'clear' })} disabled={!enabled}>
          Clear
        </button>
      </span>
      <details>
        <summary>Refine, load a mask</summary>
        <label className="slider">
          Grow / shrink ({refine.grow} px)
          <input type="range" min={-50} max={50} step={1} value={refine.grow} {...refineSlider('grow')} aria-label="Grow or shrink" />
        </label>
        <label className="slider">
          Feather ({refine.feather} px)
          <input type="range" min={0} max={50} step={1} value={refine.feather} {...refineSlider('feather')} aria-label="Feather" />
        </label>
        <label>
          Load a mask (white = selected)
          <span className="row">
            <input aria-label="Mask file" value={maskField} onChange={(e) => setMaskField(e.target.value)} spellCheck={false} />
            <button type="button" disabled={!enabled || !maskField} onClick={() => loadMask(maskField)}>
              Load
            </button>
          </span>
        </label>
        {sampleMasks && (
          <span className="row">
            <button type="button" onClick={() => loadMask(sampleMasks.object)}>
              Sample object mask
            </button>
            <button type="button" onClick={() => loadMask(sampleMasks.subject)}>
              Sample subject mask
            </button>
          </span>
        )}
      </details>
    </fieldset>
  )
}
