import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../cli/baseCommand.js'
import { renderClaims } from '../report/claimsTable.js'
import { allClaims } from '../compare/claims.js'
import type { Claim } from '../compare/claimsSchema.js'

export default class Claims extends FerbenchCommand {
  static override summary =
    'List the published claims ferbench can check (system, dataset, protocol, metric, value, source).'
  static override description =
    'The claims table is data in the repository (src/compare/claimsData.ts). Check one with `ferbench reproduce <claim-id> --model … --data …`. ' +
    'Claims that disagree (e.g. Auto-FERNet on CK+) are listed each with its source.'
  static override examples = [
    '<%= config.bin %> claims',
    '<%= config.bin %> claims --json',
    '<%= config.bin %> claims --fixtures',
  ]

  static override flags = {
    fixtures: Flags.boolean({ description: "also list the fixture claims (about ferbench's test models)" }),
  }

  async run(): Promise<{ claims: Claim[] }> {
    const { flags } = await this.parse(Claims)
    const claims = allClaims().filter((c) => flags.fixtures || !c.fixture)
    if (!this.jsonEnabled()) this.log(renderClaims(claims))
    return { claims }
  }
}
