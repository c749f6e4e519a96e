import type { RunnersReport } from '../runners/runnersReport.js'
import Table from './table.js'

/** `ferbench runners` for the terminal: per runner, what it reads, then each device and backend with its availability (or why not). */
export function renderRunners(report: RunnersReport): string {
  const parts: string[] = []
  for (const r of report.runners) {
    const table = new Table({ head: ['device', 'backend (in order tried)', 'available'], fit: { keep: [0, 1] } })
    for (const b of r.backends) table.push([b.device, b.backend, b.available ? 'yes' : `no: ${b.reason}`])
    parts.push(`${r.name} runner (${r.version}) reads ${r.accepts}`, table.toString())
  }
  return parts.join('\n')
}
