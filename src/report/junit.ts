import type { GateResult } from '../results/gateDocument.js'
import { escapeXml } from './escape.js'

/** JUnit XML, the one writer: `ferbench gate` (a testcase per check) and `ferbench export --format junit` (a testsuite per document). */

export interface JunitProperty {
  name: string
  value: string | number
}

export interface JunitCase {
  classname: string
  name: string
  time?: string
  /** written on one line inside the testcase */
  properties?: readonly JunitProperty[]
  /** `text` absent: an empty `<failure message="…"/>` */
  failure?: { message: string; type?: string; text?: string }
  systemOut?: string
}

export interface JunitSuite {
  name: string
  tests: number
  failures: number
  errors?: number
  skipped?: number
  /** written as a `<properties>` block, one property a line */
  properties?: readonly JunitProperty[]
  cases: readonly JunitCase[]
  systemOut?: string
}

export interface JunitReport {
  name: string
  /** totals on <testsuites> (tests, failures, errors), when given */
  totals?: { tests: number; failures: number; errors: number }
  suites: readonly JunitSuite[]
}

type Attributes = ReadonlyArray<readonly [string, string | number | undefined]>

/** ` name="value"` for each attribute given, every value through the one XML escaper. */
const attributes = (list: Attributes): string =>
  list
    .filter((a): a is readonly [string, string | number] => a[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('')

const property = (p: JunitProperty): string =>
  `<property${attributes([
    ['name', p.name],
    ['value', p.value],
  ])}/>`

function testcase(c: JunitCase): string {
  const lines = [
    `    <testcase${attributes([
      ['classname', c.classname],
      ['name', c.name],
      ['time', c.time],
    ])}>`,
  ]
  if (c.properties) lines.push(`      <properties>${c.properties.map(property).join('')}</properties>`)
  if (c.failure) {
    const open = `      <failure${attributes([
      ['message', c.failure.message],
      ['type', c.failure.type],
    ])}`
    lines.push(c.failure.text === undefined ? `${open}/>` : `${open}>${escapeXml(c.failure.text)}</failure>`)
  }
  if (c.systemOut !== undefined) lines.push(`      <system-out>${escapeXml(c.systemOut)}</system-out>`)
  lines.push('    </testcase>')
  return lines.join('\n')
}

function testsuite(s: JunitSuite): string {
  const lines = [
    `  <testsuite${attributes([
      ['name', s.name],
      ['tests', s.tests],
      ['failures', s.failures],
      ['errors', s.errors],
      ['skipped', s.skipped],
    ])}>`,
  ]
  if (s.properties)
    lines.push('    <properties>', ...s.properties.map((p) => `      ${property(p)}`), '    </properties>')
  lines.push(s.cases.map(testcase).join('\n'))
  if (s.systemOut !== undefined) lines.push(`    <system-out>${escapeXml(s.systemOut)}</system-out>`)
  lines.push('  </testsuite>')
  return lines.join('\n')
}

/** The document: XML declaration, <testsuites>, each suite, each case. */
export function junitXml(report: JunitReport): string {
  const totals = report.totals
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes([
      ['name', report.name],
      ['tests', totals?.tests],
      ['failures', totals?.failures],
      ['errors', totals?.errors],
    ])}>`,
    report.suites.map(testsuite).join('\n'),
    '</testsuites>',
    '',
  ].join('\n')
}

/**
 * `gate --report gate.xml`, for CI test reporters: one <testsuite> "ferbench gate", one <testcase> per gate
 * check; a failed check carries a <failure> with its figures. Notes go to <system-out>.
 */
export function gateJunit(result: GateResult): string {
  const failures = result.checks.filter((c) => !c.passed).length
  const tests = result.checks.length
  return junitXml({
    name: 'ferbench',
    totals: { tests, failures, errors: 0 },
    suites: [
      {
        name: 'ferbench gate',
        tests,
        failures,
        errors: 0,
        skipped: 0,
        properties: [
          { name: 'baseline', value: result.baseline.file },
          { name: 'current', value: result.current.file },
          { name: 'alpha', value: result.alpha },
        ],
        cases: result.checks.map((c) => ({
          classname: `ferbench.gate.${result.kind}`,
          name: c.name,
          time: '0',
          ...(c.passed
            ? { systemOut: c.detail }
            : { failure: { message: `${c.name} regressed: ${c.detail}`, type: 'regression', text: c.detail } }),
        })),
        ...(result.notes.length > 0 ? { systemOut: result.notes.join('\n') } : {}),
      },
    ],
  })
}
