import Table from '../../report/table.js'
import { fitText } from '../../report/fit.js'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { presetSummaries, type PresetSummary } from '../../card/presets.js'

export default class ModelsPresets extends FerbenchCommand {
  static override summary = 'List the built-in model cards (--preset <name>) with their preprocessing and sources.'
  static override examples = ['<%= config.bin %> models presets', '<%= config.bin %> models presets --json']

  async run(): Promise<{ presets: PresetSummary[] }> {
    await this.parse(ModelsPresets)
    const presets = presetSummaries()
    if (!this.jsonEnabled()) {
      const table = new Table({ head: ['preset', 'input', 'scale', 'tta', 'output', 'labels (model order)'] })
      for (const p of presets) table.push([p.name, p.input, p.scale, p.tta, p.output, p.labels.join(', ')])
      this.log(table.toString())
      for (const p of presets) this.log(fitText(`${p.name}: ${p.source}`))
    }
    return { presets }
  }
}
