import { Parser } from '@oclif/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import Eval from '../../src/commands/eval.js'
import Robust from '../../src/commands/robust.js'
import Speed from '../../src/commands/speed.js'
import ModelsDoctor from '../../src/commands/models/doctor.js'
import Reproduce from '../../src/commands/reproduce.js'
import DatasetsInspect from '../../src/commands/datasets/inspect.js'
import DatasetsAudit from '../../src/commands/datasets/audit.js'
import { runnerFlags } from '../../src/cli/flags/runner.js'
import { adapterFlags } from '../../src/cli/flags/dataset.js'
import { scoringFlags } from '../../src/cli/flags/evaluation.js'
import { formatFlag } from '../../src/cli/flags/output.js'

describe('shared flags: declared once in src/cli/flags/, spread into each command', () => {
  it('robust takes the very flags eval declares for the model, data, runner, scoring and adapter options', () => {
    const shared = [
      'model',
      'card',
      'preset',
      'dataset',
      'data',
      'split',
      'batch',
      'threads',
      'device',
      'runner',
      'tta',
      'extra-classes',
      'labels',
      'class-map',
      'ckplus-neutral',
      'classes',
      'folds',
      'fold',
      'strict',
      'concurrency',
      'max-pixels',
      'allow-outside-root',
    ] as const
    for (const name of shared) expect(Robust.flags[name], name).toBe(Eval.flags[name])
    // --format is one definition, made into a flag per command
    expect(Robust.flags.format.options).toEqual(['table', 'json', 'markdown', 'junit', 'html', 'png'])
    expect(Robust.flags.format.description).toBe(Eval.flags.format.description)
    // what robust words its own way stays its own
    expect(Robust.flags.shard.description).toContain('under every condition')
    expect(Robust.flags.output.description).toBe('write the ferbench/robust@1 JSON to this file (atomically)')
  })

  it('--device and --runner carry the same choices and default in every command that runs a model', () => {
    for (const command of [Eval, Robust, Speed, ModelsDoctor, Reproduce]) {
      expect(command.flags.device.options, command.id).toEqual(['cpu', 'gpu'])
      expect(command.flags.device.default, command.id).toBe('cpu')
      expect(command.flags.runner.options, command.id).toEqual(['onnx', 'tfjs'])
    }
    // reproduce words --runner shortly; the choices are the same
    expect(Reproduce.flags.runner.description).toBe('runner')
    expect(Eval.flags.runner.description).toBe('runner (default: chosen from the model file type)')
  })

  it('the datasets commands require --dataset and --data; eval defaults --dataset to fer2013', () => {
    for (const command of [DatasetsInspect, DatasetsAudit]) {
      expect(command.flags.dataset.required, command.id).toBe(true)
      expect(command.flags.data.required, command.id).toBe(true)
      expect(command.flags.dataset.default, command.id).toBeUndefined()
    }
    expect(Eval.flags.dataset.default).toBe('fer2013')
    expect(Eval.flags.dataset.required).toBeFalsy()
  })

  it('option flags parse to their typed values and refuse anything else with the choices named', async () => {
    const flags = { ...runnerFlags, ...scoringFlags, classes: adapterFlags.classes, format: formatFlag() }
    const parsed = await Parser.parse(
      ['--device', 'gpu', '--runner', 'tfjs', '--tta', 'flip', '--classes', '7', '--format', 'markdown'],
      { flags },
    )
    expect(parsed.flags).toMatchObject({
      device: 'gpu',
      runner: 'tfjs',
      tta: 'flip',
      'extra-classes': 'drop',
      classes: '7',
      format: 'markdown',
      batch: 32,
    })
    // the types come from the option lists: no cast needed where the values are used
    expectTypeOf(parsed.flags.device).toEqualTypeOf<'cpu' | 'gpu'>()
    expectTypeOf(parsed.flags.runner).toEqualTypeOf<'onnx' | 'tfjs' | undefined>()
    expectTypeOf(parsed.flags.tta).toEqualTypeOf<'none' | 'flip' | 'tencrop' | undefined>()
    expectTypeOf(parsed.flags['extra-classes']).toEqualTypeOf<'drop' | 'keep'>()
    expectTypeOf(parsed.flags.classes).toEqualTypeOf<'7' | '8' | undefined>()
    await expect(Parser.parse(['--device', 'tpu'], { flags })).rejects.toThrow(
      'Expected --device=tpu to be one of: cpu, gpu',
    )
    await expect(Parser.parse(['--extra-classes', 'ignore'], { flags })).rejects.toThrow(
      'Expected --extra-classes=ignore to be one of: drop, keep',
    )
  })
})
