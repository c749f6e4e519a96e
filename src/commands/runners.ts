import Table from '../report/table.js'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { runnersReport, type RunnersReport } from '../runners/runnersReport.js'

export default class Runners extends FerbenchCommand {
  static override summary = 'List the runners, their backends and devices, and whether each can run here (with the reason and what to install when not).'
  static override description =
    'Each backend is tried for real (an ONNX session on a one-node model, a tfjs backend start). ' +
    'eval and speed pick the runner from the model file (.onnx → onnx, model.json → tfjs) unless --runner says otherwise, ' +
    'and the first available backend for --device in the order listed.'
  static override examples = ['<%= config.bin %> runners', '<%= config.bin %> runners --json']

  async run(): Promise<RunnersReport> {
    await this.parse(Runners)
    const report = await runnersReport()
    if (!this.jsonEnabled()) {
      const parts: string[] = []
      for (const r of report.runners) {
        const table = new Table({ head: ['device', 'backend (in order tried)', 'available'], fit: { keep: [0, 1] } })
        for (const b of r.backends) table.push([b.device, b.backend, b.available ? 'yes' : `no: ${b.reason}`])
        parts.push(`${r.name} runner (${r.version}) reads ${r.accepts}`, table.toString())
      }
      this.log(parts.join('\n'))
    }
    return report
  }
}
