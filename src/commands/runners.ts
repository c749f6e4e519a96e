import { FerbenchCommand } from '../cli/baseCommand.js'
import { runnersReport, type RunnersReport } from '../runners/runnersReport.js'
import { renderRunners } from '../report/runnersTable.js'

export default class Runners extends FerbenchCommand {
  static override summary =
    'List the runners, their backends and devices, and whether each can run here (with the reason and what to install when not).'
  static override description =
    'Each backend is tried for real (an ONNX session on a one-node model, a tfjs backend start). ' +
    'eval and speed pick the runner from the model file (.onnx → onnx, model.json → tfjs) unless --runner says otherwise, ' +
    'and the first available backend for --device in the order listed.'
  static override examples = ['<%= config.bin %> runners', '<%= config.bin %> runners --json']

  async run(): Promise<RunnersReport> {
    await this.parse(Runners)
    const report = await runnersReport()
    if (!this.jsonEnabled()) this.log(renderRunners(report))
    return report
  }
}
