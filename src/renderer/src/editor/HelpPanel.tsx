// The keyboard shortcuts, listed where a person looks for them (the ? button or key).
export const SHORTCUTS: [keys: string, what: string][] = [
  ['B / E / R / L / K / G', 'Brush, eraser, rectangle, lasso, pick, light'],
  ['S', 'Select the subject automatically (then refine it with the brush, eraser or lasso)'],
  ['K, then click an object', 'Pick: select only the object clicked, of those the automatic selection finds'],
  ['[  ]', 'Smaller / larger brush'],
  ['Alt + drag', 'Rectangle or lasso takes away from the selection'],
  ['Space + drag, middle button', 'Pan'],
  ['Wheel, pinch', 'Zoom'],
  ['F / 1', 'Fit / actual pixels'],
  ['Hold Tab', 'Show the original'],
  ['Ctrl/⌘ + Z', 'Undo'],
  ['Shift + Ctrl/⌘ + Z, Ctrl + Y', 'Redo'],
  ['Esc', 'Cancel the stroke or drag under way; close a panel'],
  ['Ctrl/⌘ + S', 'Save a copy (export)'],
  ['Ctrl/⌘ + V, drop a file', 'Open a photo'],
  ['?', 'This list']
]

export function HelpPanel({ onClose }: { onClose: () => void }) {
  return (
    <aside className="sheet" role="dialog" aria-label="Keyboard shortcuts">
      <h2>Keyboard shortcuts</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>{keys}</dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </aside>
  )
}
