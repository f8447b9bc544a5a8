// The light's controls beside the canvas handle: its direction (read out; set by dragging the
// handle), softness, shadow strength, intensity and colour, and relight's background.
import type { Task } from '../../../shared/contract.ts'
import { useEffect, useState } from 'react'
import { MAX_LIGHTS, type LightState } from './document.ts'

/** An <input type=range>'s handlers that make one drag of it one undo step. */
export interface SliderProps {
  onPointerDown: () => void
  onPointerUp: () => void
  onBlur: () => void
  onChange: (e: { target: { value: string } }) => void
}

export interface LightPanelProps {
  task: Exclude<Task, 'remove'>
  light: LightState
  slider: (key: keyof Omit<LightState, 'colour'>) => SliderProps
  setLight: (patch: Partial<LightState>) => void
  background: string
  setBackground: (v: string) => void
  backdropHint?: string
  /** Several lights (relight only): how many, which one the controls change. */
  count: number
  active: number
  select: (i: number) => void
  add: () => void
  remove: () => void
}

export function LightPanel({ task, light, slider, setLight, background, setBackground, backdropHint, count, active, select, add, remove }: LightPanelProps) {
  return (
    <fieldset>
      <legend>Light</legend>
      {task === 'relight' && (
        <div className="tools" role="toolbar" aria-label="Lights">
          {Array.from({ length: count }, (_, i) => (
            <button key={i} type="button" aria-pressed={i === active} onClick={() => select(i)}>
              Light {i + 1}
            </button>
          ))}
          <button type="button" onClick={add} disabled={count >= MAX_LIGHTS} title="Add a light">
            +
          </button>
          <button type="button" onClick={remove} disabled={count <= 1} title="Remove this light">
            −
          </button>
        </div>
      )}
      <p className="hint">Drag on the picture with the Light tool (G): the handle circles the subject.</p>
      <output className="readout" aria-label="Light direction">
        azimuth {Math.round(light.azimuth)}°, elevation {Math.round(light.elevation)}°
      </output>
      <span className="row">
        <NumberField label="Azimuth (°)" value={light.azimuth} fix={(v) => ((v % 360) + 360) % 360} commit={(azimuth) => setLight({ azimuth })} />
        <NumberField label="Elevation (°)" value={light.elevation} fix={(v) => Math.min(90, Math.max(5, v))} commit={(elevation) => setLight({ elevation })} />
      </span>
      <label className="slider">
        Softness
        <input type="range" min={0} max={1} step={0.05} value={light.softness} {...slider('softness')} aria-label="Softness" />
      </label>
      {task === 'shadow' && (
        <label className="slider">
          Strength
          <input type="range" min={0} max={1} step={0.05} value={light.strength} {...slider('strength')} aria-label="Strength" />
        </label>
      )}
      <label className="slider">
        Intensity ({light.intensity})
        <input type="range" min={0} max={4} step={0.1} value={light.intensity} {...slider('intensity')} aria-label="Intensity" />
      </label>
      <label className="check">
        <input type="color" value={light.colour} onChange={(e) => setLight({ colour: e.target.value })} aria-label="Light colour" />
        Colour
      </label>
      {task === 'relight' && (
        <label>
          Background (optional)
          <input value={background} onChange={(e) => setBackground(e.target.value)} placeholder={backdropHint} spellCheck={false} />
        </label>
      )}
    </fieldset>
  )
}

/** A number typed freely and applied on Enter or leaving the field (one undo step), not per key. */
function NumberField({ label, value, fix, commit }: { label: string; value: number; fix: (v: number) => number; commit: (v: number) => void }) {
  const [text, setText] = useState(String(Math.round(value)))
  useEffect(() => setText(String(Math.round(value))), [value])
  const apply = () => {
    const v = Number(text)
    if (text.trim() === '' || !Number.isFinite(v)) return setText(String(Math.round(value)))
    const fixed = fix(v)
    setText(String(Math.round(fixed)))
    if (fixed !== value) commit(fixed)
  }
  return (
    <label className="check">
      {label}
      <input type="number" value={text} onChange={(e) => setText(e.target.value)} onBlur={apply} onKeyDown={(e) => e.key === 'Enter' && apply()} aria-label={label} />
    </label>
  )
}
