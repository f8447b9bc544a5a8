// Azimuth, elevation and softness of the shadow's light: a slider and a number box each. The box
// is not clamped on purpose: the engine's validation is the one judge of a value.
import type { LightInput } from '../../shared/contract.ts'

export type LightSettings = Required<Pick<LightInput, 'azimuth' | 'elevation' | 'softness'>>

const CONTROLS: { key: keyof LightSettings; label: string; min: number; max: number; step: number }[] = [
  { key: 'azimuth', label: 'Azimuth (°)', min: 0, max: 360, step: 1 },
  { key: 'elevation', label: 'Elevation (°)', min: 5, max: 90, step: 1 },
  { key: 'softness', label: 'Softness', min: 0, max: 1, step: 0.05 }
]

export function LightControls({ value, onChange }: { value: LightSettings; onChange: (v: LightSettings) => void }) {
  return (
    <fieldset>
      <legend>Light</legend>
      {CONTROLS.map(({ key, label, min, max, step }) => {
        const update = (raw: string) => onChange({ ...value, [key]: raw === '' ? Number.NaN : Number(raw) })
        return (
          <label key={key} className="slider">
            {label}
            <span className="row">
              <input type="range" min={min} max={max} step={step} value={value[key]} onChange={(e) => update(e.target.value)} aria-label={`${label} slider`} />
              <input type="number" step={step} value={Number.isNaN(value[key]) ? '' : value[key]} onChange={(e) => update(e.target.value)} aria-label={label} />
            </span>
          </label>
        )
      })}
    </fieldset>
  )
}
