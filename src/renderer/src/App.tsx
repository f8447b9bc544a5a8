// The window: the editor (canvas tools, live preview, compare, history, export) and the batch tab.
import { useState } from 'react'
import { BatchPanel } from './BatchPanel.tsx'
import { Editor } from './editor/Editor.tsx'

export function App() {
  const [tab, setTab] = useState<'edit' | 'batch'>('edit')
  return (
    <main className="app">
      <header>
        <h1>LBM Studio</h1>
        <nav role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'edit'} onClick={() => setTab('edit')}>
            Edit
          </button>
          <button type="button" role="tab" aria-selected={tab === 'batch'} onClick={() => setTab('batch')}>
            Batch
          </button>
        </nav>
      </header>
      {tab === 'batch' && <BatchPanel />}
      {tab === 'edit' && <Editor />}
    </main>
  )
}
