import { Flags } from '@oclif/core'
import Table from '../report/table.js'
import { fitText } from '../report/fit.js'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { allClaims } from '../claims/claims.js'
import type { Claim } from '../claims/schema.js'

export default class Claims extends FerbenchCommand {
  static override summary = 'List the published claims ferbench can check (system, dataset, protocol, metric, value, source).'
  static override description =
    'The claims table is data in the repository (src/claims/claimsData.ts). Check one with `ferbench reproduce <claim-id> --model … --data …`. ' +
    'Claims that disagree (e.g. Auto-FERNet on CK+) are listed each with its source.'
  static override examples = ['<%= config.bin %> claims', '<%= config.bin %> claims --json', '<%= config.bin %> claims --fixtures']

  static override flags = {
    fixtures: Flags.boolean({ description: 'also list the fixture claims (about ferbench\'s test models)' }),
  }

  async run(): Promise<{ claims: Claim[] }> {
    const { flags } = await this.parse(Claims)
    const claims = allClaims().filter((c) => flags.fixtures || !c.fixture)
    if (!this.jsonEnabled()) {
      const t = new Table({ head: ['id', 'system', 'dataset, protocol', 'claimed', 'runs'], fit: { keep: [0] } })
      for (const c of claims) {
        const p = c.protocol
        const protocol = [c.dataset, p.kind === 'split' ? p.split : p.kind === 'kfold' ? `${p.folds}-fold` : 'not stated', p.tta !== 'unspecified' ? `TTA ${p.tta}` : '', p.preset ? `preset ${p.preset}` : ''].filter(Boolean).join(', ')
        t.push([c.id, c.system, protocol, `${c.comparator === '<' ? '< ' : ''}${Number(c.value.toFixed(3))} ${c.unit}`, c.cannotRun ? 'no' : c.metric === 'fps' ? 'ratio' : 'yes'])
      }
      this.log(t.toString())
      this.log(fitText('runs: yes = `ferbench reproduce <id>` runs the protocol; ratio = a speed claim, reported as a ratio to this machine; no = ferbench cannot run the protocol (the reason is in --json)'))
    }
    return { claims }
  }
}
