import { describe, expect, it } from 'vitest'
import { assignFolds } from '../../src/datasets/folds.js'
import { createDataset } from '../../src/datasets/registry.js'
import path from 'node:path'
import { FIXTURES } from '../helpers/cli.js'

describe('subject-independent folds', () => {
  it('are deterministic whatever order the subjects arrive in', () => {
    const subjects = Array.from({ length: 37 }, (_, i) => `S${String(i * 7 + 3).padStart(3, '0')}`)
    const a = assignFolds(subjects, 10)
    const b = assignFolds([...subjects].reverse().concat(subjects), 10)
    expect([...b].sort()).toEqual([...a].sort())
    // the documented rule: sorted by code point, round-robin
    const sorted = [...subjects].sort((x, y) => (x < y ? -1 : 1))
    sorted.forEach((s, i) => expect(a.get(s)).toBe((i % 10) + 1))
  })

  it('put every image of a subject in one fold and cover every sample once (CK+48)', async () => {
    const data = path.join(FIXTURES, 'ckplus', 'CK+48')
    const all: string[] = []
    for await (const s of (await createDataset('ckplus', { data })).samples('all')) all.push(`${s.subject}/${s.id}`)
    const seen: string[] = []
    const foldOfSubject = new Map<string, number>()
    for (let k = 1; k <= 3; k++) {
      for await (const s of (await createDataset('ckplus', { data, folds: 3 })).samples(`fold-${k}`)) {
        seen.push(`${s.subject}/${s.id}`)
        expect(foldOfSubject.get(s.subject!) ?? k).toBe(k)
        foldOfSubject.set(s.subject!, k)
      }
    }
    expect(seen.sort()).toEqual(all.sort())
  })

  it('JAFFE defaults to leave-one-subject-out (10 folds, one subject each)', async () => {
    const data = path.join(FIXTURES, 'jaffe', 'jaffe')
    const subjects = ['KA', 'KL', 'KM', 'KR', 'MK', 'NA', 'NM', 'TM', 'UY', 'YM']
    for (const [i, subject] of subjects.entries()) {
      const adapter = await createDataset('jaffe', { data, fold: i + 1 })
      const got = new Set<string>()
      for await (const s of adapter.samples('all')) got.add(s.subject!)
      expect([...got]).toEqual([subject])
      expect(adapter.fold).toMatchObject({ fold: i + 1, folds: 10, subjects: [subject] })
    }
  })

  it('refuse more folds than subjects, and datasets without subjects', async () => {
    const rafdb = await createDataset('rafdb', { data: path.join(FIXTURES, 'rafdb', 'basic'), folds: 2, fold: 1 })
    await expect(
      (async () => {
        for await (const _ of rafdb.samples('test')) void _
      })(),
    ).rejects.toThrow(/no subject id/)
    const jaffe = await createDataset('jaffe', { data: path.join(FIXTURES, 'jaffe', 'jaffe'), folds: 11, fold: 1 })
    await expect(
      (async () => {
        for await (const _ of jaffe.samples('all')) void _
      })(),
    ).rejects.toThrow(/--folds 11: jaffe split all has only 10 subject\(s\).*give --folds 10 or fewer/)
  })

  it('--fold alone on too few subjects names the default fold count it used and what to give', async () => {
    // The CK+ fixture holds 6 subjects; CK+'s default is 10 folds.
    const ckplus = await createDataset('ckplus', { data: path.join(FIXTURES, 'ckplus', 'CK+48'), fold: 3 })
    await expect(
      (async () => {
        for await (const _ of ckplus.samples('all')) void _
      })(),
    ).rejects.toThrow(
      "--fold without --folds uses ckplus's default of 10 folds, but ckplus split all has only 6 subject(s); folds are subject-independent, so give --folds 6 or fewer",
    )
  })
})
