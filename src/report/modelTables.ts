import type { CardSkeleton } from '../card/skeleton.js'
import type { InspectResult } from '../model/inspect.js'
import { fitText } from './fit.js'
import Table from './table.js'

const shape = (dims: ReadonlyArray<number | string>): string => `[${dims.join(', ')}]`
/** A tensor's shape and dtype; a tfjs graph model without a signature records neither for its outputs. */
const tensor = (t: { shape: ReadonlyArray<number | string>; dtype: string }): string =>
  t.shape.length === 0 && t.dtype === 'unknown'
    ? 'shape and dtype not recorded in the model file'
    : `${shape(t.shape)} ${t.dtype}`

function renderSkeleton(skeleton: CardSkeleton): string {
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))
  const settled = new Table({ head: ['settled by the model', 'value', 'why'] })
  for (const f of skeleton.settled) settled.push([f.field, show(f.value), f.note])
  const fill = new Table({ head: ['to fill', 'allowed', 'default'] })
  for (const f of skeleton.toFill)
    fill.push([
      f.field,
      Array.isArray(f.allowed) ? f.allowed.join(', ') : String(f.allowed),
      f.default === undefined ? '—' : show(f.default),
    ])
  return [
    settled.toString(),
    fill.toString(),
    'card template (fill the <…> values; `ferbench models doctor --data <labelled images>` finds them):',
    JSON.stringify(skeleton.template, null, 2),
  ].join('\n')
}

/** `ferbench models inspect` for the terminal: the model's fields and card, then the card skeleton (if asked for) and the warnings. */
export function renderModelInspect(result: InspectResult): string {
  const table = new Table({ head: ['field', 'value'], fit: { keep: [0] } })
  table.push(
    ['model', result.path],
    ['format', result.format + (result.opset !== null ? ` (opset ${result.opset})` : '')],
    ...result.inputs.map((t) => [`input ${t.name}`, tensor(t)]),
    ...result.outputs.map((t) => [`output ${t.name}`, tensor(t)]),
    ['bytes', String(result.bytes)],
    ['params', result.params.toLocaleString('en-US')],
    [
      'MACs (batch 1)',
      `${result.macs.toLocaleString('en-US')}${result.macsComplete ? '' : ' (incomplete, see warnings)'} ${JSON.stringify(result.macsByOp)}`,
    ],
    [
      'card',
      result.card
        ? `${result.cardKind}: ${result.card.origin.source}`
        : result.cardSkeleton
          ? 'none: see the card skeleton below'
          : `none (${result.cardNote ?? ''})`,
    ],
    [
      'presets that fit',
      result.fittingPresets.length > 0
        ? `${result.fittingPresets.join(', ')} (input size, channels and layout fit; check scale and labels: \`ferbench models presets\`)`
        : 'none of the built-in presets fits this input',
    ],
  )
  if (result.card) {
    const c = result.card
    table.push([
      'preprocess',
      `${c.input.height}×${c.input.width}×${c.input.channels} ${c.input.layout}, scale ${c.scale}, resize ${c.resize}${c.crop ? `, crop ${c.crop.size} from ${c.crop.from ?? 'image'}` : ''}, tta ${c.tta}`,
    ])
    table.push(['labels', c.labels.join(', ')])
  }
  const parts = [table.toString()]
  if (result.cardSkeleton) parts.push(renderSkeleton(result.cardSkeleton))
  if (result.warnings.length > 0)
    parts.push(fitText(['Warnings:', ...result.warnings.map((w) => `  - ${w}`)].join('\n')))
  return parts.join('\n')
}
