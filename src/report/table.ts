import CliTable from 'cli-table3'
import { plainOutput } from './escape.js'


/** cli-table3 with ferbench's defaults: compact rows, and plain text where colours would be noise. */
export default class Table extends CliTable {
  constructor(options: CliTable.TableConstructorOptions = {}) {
    super({ ...options, style: { compact: true, ...options.style, ...(plainOutput() ? { head: [], border: [] } : {}) } })
  }
}

/** The confusion matrix as a table: rows = truth, columns = prediction (headers cut to 8 characters). */
export function confusionTable(matrix: { labels: readonly string[]; counts: readonly (readonly number[])[] }): string {
  const confusion = new Table({ head: ['truth \\ predicted', ...matrix.labels.map((l) => l.slice(0, 8))] })
  matrix.counts.forEach((row, i) => confusion.push([matrix.labels[i]!, ...row.map(String)]))
  return confusion.toString()
}
