import CliTable from 'cli-table3'

/** No colour codes when stdout is not a terminal (pipes, CI logs) or NO_COLOR is set. */
function plainOutput(): boolean {
  return !process.stdout.isTTY || process.env.NO_COLOR !== undefined || process.env.FORCE_COLOR === '0'
}

/** cli-table3 with ferbench's defaults: compact rows, and plain text where colours would be noise. */
export default class Table extends CliTable {
  constructor(options: CliTable.TableConstructorOptions = {}) {
    super({ ...options, style: { compact: true, ...options.style, ...(plainOutput() ? { head: [], border: [] } : {}) } })
  }
}
