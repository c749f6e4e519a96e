import { existsSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LeaderboardDocument } from '../../src/results/leaderboardDocument.js'
import { runJson, tempDir } from '../helpers/cli.js'
import { ORACLE, realEval, realSpeed, TINYCONV } from '../helpers/boardDocs.js'

/** Debian's chromium (apt-get install chromium; .ci/run installs it). */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))

let dir: string
let board: LeaderboardDocument

beforeAll(() => {
  dir = tempDir('ferbench-browser-')
  realEval(dir, 'docs/oracle.json', ORACLE, 'PrivateTest')
  realEval(dir, 'docs/tiny.json', TINYCONV, 'PrivateTest')
  realEval(dir, 'docs/oracle-public.json', ORACLE, 'PublicTest')
  realSpeed(dir, 'docs/oracle-speed.json', ORACLE)
  realSpeed(dir, 'docs/tiny-speed.json', TINYCONV)
  const run = runJson<LeaderboardDocument>([
    'leaderboard',
    path.join(dir, 'docs'),
    '--html',
    path.join(dir, 'board.html'),
  ])
  expect(run.status).toBe(0)
  board = run.json
}, 180_000)

describe.skipIf(!CHROMIUM)(
  `leaderboard HTML in a real headless browser (${CHROMIUM ?? 'chromium not installed: apt-get install chromium'})`,
  () => {
    it('loads offline with no console errors, one measured mark per row and axis, sortable table; screenshot taken', async () => {
      // Chromium puts a unix socket (at most 107 bytes of path) under TMPDIR: from a long temp folder
      // (tools/ci/elsewhere.sh) it aborts at start, so it gets /tmp there; the page is what is tested
      const tmp = os.tmpdir().length > 60 && existsSync('/tmp') ? '/tmp' : os.tmpdir()
      const browser = await chromium.launch({
        executablePath: CHROMIUM!,
        args: ['--no-sandbox'],
        env: { ...process.env, TMPDIR: tmp },
      })
      try {
        const page = await browser.newPage({ viewport: { width: 1300, height: 900 } })
        const problems: string[] = []
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text())
        })
        page.on('pageerror', (e) => problems.push(e.message))
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`)
        })
        await page.goto(pathToFileURL(path.join(dir, 'board.html')).href)
        expect(problems).toEqual([])
        const sections = page.locator('section.protocol')
        expect(await sections.count()).toBe(board.protocols.length)
        for (const [i, p] of board.protocols.entries()) {
          const section = sections.nth(i)
          for (const axis of ['latency', 'size']) {
            const marks = section.locator(`g.mark-symbol[class*="measured_${axis}"] path`)
            expect(await marks.count()).toBe(p.rows.length)
          }
          expect(await section.locator('table tbody tr').count()).toBe(p.rows.length)
        }
        // Sort the first table by accuracy (column 2) ascending, then descending.
        const first = sections.first()
        const header = first.locator('th').nth(1)
        await header.click()
        const ascending = await first
          .locator('tbody tr td:nth-child(2)')
          .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-v'))))
        expect(ascending).toEqual([...ascending].sort((a, b) => a - b))
        await header.click()
        const descending = await first
          .locator('tbody tr td:nth-child(2)')
          .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-v'))))
        expect(descending).toEqual([...ascending].reverse())
        const shot = path.join(dir, 'board-screenshot.png')
        await page.screenshot({ path: shot, fullPage: true })
        expect(statSync(shot).size).toBeGreaterThan(10_000)
        expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG')
        expect(problems).toEqual([])
      } finally {
        await browser.close()
      }
    }, 120_000)
  },
)
