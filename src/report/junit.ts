import type { GateResult } from '../results/gateDocument.js'
import { escapeXml } from './escape.js'

/**
 * JUnit XML for CI test reporters: one <testsuite> "ferbench gate", one <testcase> per gate check;
 * a failed check carries a <failure> with its figures. Notes go to <system-out>.
 */
export function gateJunit(result: GateResult): string {
  const failures = result.checks.filter((c) => !c.passed).length
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ferbench" tests="${result.checks.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="ferbench gate" tests="${result.checks.length}" failures="${failures}" errors="0" skipped="0">`,
    '    <properties>',
    `      <property name="baseline" value="${escapeXml(result.baseline.file)}"/>`,
    `      <property name="current" value="${escapeXml(result.current.file)}"/>`,
    `      <property name="alpha" value="${result.alpha}"/>`,
    '    </properties>',
  ]
  for (const c of result.checks) {
    const open = `    <testcase classname="ferbench.gate.${escapeXml(result.kind)}" name="${escapeXml(c.name)}" time="0"`
    if (c.passed) {
      lines.push(`${open}>`, `      <system-out>${escapeXml(c.detail)}</system-out>`, '    </testcase>')
    } else {
      lines.push(
        `${open}>`,
        `      <failure message="${escapeXml(`${c.name} regressed: ${c.detail}`)}" type="regression">${escapeXml(c.detail)}</failure>`,
        '    </testcase>',
      )
    }
  }
  if (result.notes.length > 0) lines.push(`    <system-out>${escapeXml(result.notes.join('\n'))}</system-out>`)
  lines.push('  </testsuite>', '</testsuites>')
  return `${lines.join('\n')}\n`
}
