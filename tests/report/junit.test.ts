import { describe, expect, it } from 'vitest'
import { gateJunit, junitXml } from '../../src/report/junit.js'
import { GATE_SCHEMA, type GateResult } from '../../src/results/gateDocument.js'

/** A name with every character XML escapes, and one it forbids (U+0001). */
const HOSTILE = `it's <a> & "b"\u0001.json`
const HOSTILE_XML = 'it&apos;s &lt;a&gt; &amp; &quot;b&quot;\\x01.json'

describe('the one JUnit writer (src/report/junit.ts)', () => {
  it('gate: totals on <testsuites>, suite properties one a line, a passed check with its detail, a failed one with a <failure>, notes', () => {
    const gate: GateResult = {
      schema: GATE_SCHEMA,
      passed: false,
      kind: 'eval',
      baseline: { file: HOSTILE, model: 'a.onnx' },
      current: { file: 'cur.json', model: 'b.onnx' },
      alpha: 0.05,
      checks: [
        {
          name: 'accuracy',
          unit: 'percent',
          baseline: 80,
          current: 79.5,
          change: -0.5,
          threshold: 1,
          passed: true,
          detail: 'drop 0.50 < 1',
        },
        {
          name: 'recall:fear',
          unit: 'percent',
          baseline: 60,
          current: 40,
          change: -20,
          threshold: 5,
          pValue: 0.01,
          passed: false,
          detail: 'drop 20 > 5 & p < α',
        },
      ],
      notes: ['first note', 'second <note>'],
    }
    expect(gateJunit(gate)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="ferbench" tests="2" failures="1" errors="0">',
        '  <testsuite name="ferbench gate" tests="2" failures="1" errors="0" skipped="0">',
        '    <properties>',
        `      <property name="baseline" value="${HOSTILE_XML}"/>`,
        '      <property name="current" value="cur.json"/>',
        '      <property name="alpha" value="0.05"/>',
        '    </properties>',
        '    <testcase classname="ferbench.gate.eval" name="accuracy" time="0">',
        '      <system-out>drop 0.50 &lt; 1</system-out>',
        '    </testcase>',
        '    <testcase classname="ferbench.gate.eval" name="recall:fear" time="0">',
        '      <failure message="recall:fear regressed: drop 20 &gt; 5 &amp; p &lt; α" type="regression">drop 20 &gt; 5 &amp; p &lt; α</failure>',
        '    </testcase>',
        '    <system-out>first note\nsecond &lt;note&gt;</system-out>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    )
  })

  it('export shape: no totals, properties on the testcase line, an empty <failure/>, every text through the one escaper', () => {
    const xml = junitXml({
      name: 'ferbench export',
      suites: [
        {
          name: HOSTILE,
          tests: 1,
          failures: 1,
          cases: [
            {
              classname: 'm.onnx/fer2013/PrivateTest',
              name: 'accuracy',
              properties: [
                { name: 'value', value: 85.5 },
                { name: 'unit', value: '%' },
              ],
              failure: { message: 'the run was interrupted (complete: false)' },
            },
          ],
        },
      ],
    })
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="ferbench export">',
        `  <testsuite name="${HOSTILE_XML}" tests="1" failures="1">`,
        '    <testcase classname="m.onnx/fer2013/PrivateTest" name="accuracy">',
        '      <properties><property name="value" value="85.5"/><property name="unit" value="%"/></properties>',
        '      <failure message="the run was interrupted (complete: false)"/>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    )
    // no results at all: the suites' place stays an empty line, as `export --format junit` of an empty folder writes it
    expect(junitXml({ name: 'ferbench export', suites: [] })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ferbench export">\n\n</testsuites>\n',
    )
  })
})
