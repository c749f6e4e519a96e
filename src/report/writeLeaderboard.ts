import { writeFileAtomic } from '../base/atomicWrite.js'
import { usageError } from '../base/errors.js'
import { leaderboardChartSpec } from './leaderboardChart.js'
import { leaderboardHtml } from './leaderboardHtml.js'
import type { LeaderboardDocument } from '../results/leaderboardDocument.js'
import { renderPng } from './vegaRender.js'
import path from 'node:path'

export interface LeaderboardOutputs {
  json?: string
  html?: string
  png?: string
}

/** Renders every requested view first, then writes each file atomically: a failed render writes nothing. */
export async function writeLeaderboardOutputs(doc: LeaderboardDocument, outputs: LeaderboardOutputs): Promise<void> {
  const targets = Object.entries(outputs).filter((e): e is [string, string] => typeof e[1] === 'string')
  const seen = new Map<string, string>()
  for (const [kind, file] of targets) {
    const key = path.resolve(file)
    if (seen.has(key))
      throw usageError(
        `--${seen.get(key) === 'json' ? 'output' : seen.get(key)} and --${kind === 'json' ? 'output' : kind} name the same file ${file}`,
      )
    seen.set(key, kind)
  }
  const contents: Array<[string, string | Buffer]> = []
  if (outputs.json) contents.push([outputs.json, `${JSON.stringify(doc, null, 2)}\n`])
  if (outputs.html) contents.push([outputs.html, await leaderboardHtml(doc)])
  if (outputs.png) contents.push([outputs.png, await renderPng(leaderboardChartSpec(doc.protocols))])
  for (const [file, data] of contents) writeFileAtomic(file, data)
}
