/**
 * How ferbench writes numbers in views and messages: one rule per kind of figure, so a
 * percentage or a p-value reads the same in a table, a Markdown summary and a warning.
 */

/** A fraction as a percentage with its sign: 0.81234 → `81.23%` (`digits` after the point). */
export const percent = (fraction: number, digits = 2): string => `${(fraction * 100).toFixed(digits)}%`

/** A fraction as a percentage without the `%` sign: 0.81234 → `81.23` (for columns whose head carries the unit). */
export const percentFigure = (fraction: number, digits = 2): string => (fraction * 100).toFixed(digits)

/** A change with its sign: `+1.50`, `-0.25` (zero reads `+0.00`). */
export const signed = (x: number, digits = 2): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`

/** A p-value: two significant digits, in exponent form below 10⁻⁴ (`0.032`, `3.2e-7`). */
export const pValue = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2))

/** A p-value in a sentence, a chart note or an HTML cell: two significant digits as `toPrecision` writes them (`0.032`, `3.2e-7`). */
export const pValueBrief = (p: number): string => p.toPrecision(2)

/** A p-value in the doctor's table: two significant digits down to 0.001, below that the order of magnitude only (`1e-5`). */
export const pValueCoarse = (p: number): string => (p >= 0.001 ? p.toPrecision(2) : p.toExponential(0))
