import { Flags } from '@oclif/core'
import { REPORT_FORMATS } from '../../report/render.js'

/** --output (-o): where the result goes; each command says what it writes (`outputFlag({ description })`), some take it repeatedly. */
export const outputFlag = Flags.custom<string>({
  char: 'o',
  description: 'write the result JSON to this file (atomically)',
})

/** --format: how a result is shown on stdout (or written to each report file). */
export const formatFlag = Flags.option({
  description: `report format: ${REPORT_FORMATS.join(', ')} (for files, the default comes from the extension: .md .xml .html .png .json .txt)`,
  options: REPORT_FORMATS,
})

/** --report (-r): report files, repeatable. */
export const reportFlag = Flags.custom<string>({
  char: 'r',
  description: 'write a report file (format from --format or the extension: .md, .html, .png, .json, .txt); repeatable',
  multiple: true,
})
