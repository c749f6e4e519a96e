import { FerbenchCommand } from '../../cli/baseCommand.js'
import { presetSummaries, type PresetSummary } from '../../card/presets.js'
import { renderPresets } from '../../report/presetsTable.js'

export default class ModelsPresets extends FerbenchCommand {
  static override summary = 'List the built-in model cards (--preset <name>) with their preprocessing and sources.'
  static override examples = ['<%= config.bin %> models presets', '<%= config.bin %> models presets --json']

  async run(): Promise<{ presets: PresetSummary[] }> {
    await this.parse(ModelsPresets)
    const presets = presetSummaries()
    if (!this.jsonEnabled()) this.log(renderPresets(presets))
    return { presets }
  }
}
