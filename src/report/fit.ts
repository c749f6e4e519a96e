/** Fitting text tables into a terminal's width: measuring, wrapping and sharing out columns. */
import stringWidth from 'string-width'

/** The width tables fit: the terminal's columns on a TTY, else 100 (pipes, files, CI logs). */
export function terminalColumns(): number {
  return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 100
}

/**
 * Columns a string takes on a terminal, measured as cli-table3 measures its cells (string-width):
 * colour codes and combining marks take none, East Asian wide characters (日本語) two, others one.
 */
export function textWidth(text: string): number {
  return stringWidth(text)
}

const NBSP = '\u00a0'
const widest = (text: string): number => Math.max(0, ...text.split('\n').map(textWidth))
/** A short bracketed group (an interval such as [+1.20, +3.40]) joined by no-break spaces, to stay on one line. */
const holdGroups = (text: string): string => text.replace(/\[[^\]\n]{0,40}\]/g, (group) => group.replace(/ /g, NBSP))
const longestWord = (text: string): number =>
  Math.max(
    0,
    ...holdGroups(text)
      .split(/[ \n\t]+/)
      .map(textWidth),
  )

/** How many of `chars` fit in `width` columns (at least one, so a piece is never empty). */
function fitting(chars: readonly string[], width: number): number {
  let used = 0
  for (let i = 0; i < chars.length; i++) {
    used += textWidth(chars[i]!)
    if (used > width) return Math.max(1, i)
  }
  return chars.length
}

/** A word wider than `width` columns, cut after a `/` (else other punctuation) in the second half of the line, else at the width. */
function breakWord(word: string, width: number): string[] {
  const parts: string[] = []
  let rest = [...word]
  while (textWidth(rest.join('')) > width) {
    const fit = fitting(rest, width)
    // after a path separator if one falls in the second half of the line, else other punctuation
    const after = (marks: string): number => {
      for (let i = fit - 1; i > fit / 2; i--) if (marks.includes(rest[i]!)) return i + 1
      return -1
    }
    const separator = after('/\\')
    const punctuation = after('-_,.;:=)')
    const cut = separator > 0 ? separator : punctuation > 0 ? punctuation : fit
    parts.push(rest.slice(0, cut).join(''))
    rest = rest.slice(cut)
  }
  parts.push(rest.join(''))
  return parts
}

/**
 * `text` wrapped to lines of at most `width` columns: at spaces, and words longer than the width at
 * punctuation (or, with `breakLongWords` false, left whole on a line of their own); nothing dropped.
 */
export function wrapCell(text: string, width: number, breakLongWords = true): string {
  const out: string[] = []
  for (const line of holdGroups(text).split('\n')) {
    let current = ''
    for (const word of line.split(/ +/)) {
      if (current !== '' && textWidth(current) + 1 + textWidth(word) <= width) {
        current += ` ${word}`
        continue
      }
      if (current !== '') out.push(current)
      const pieces = breakLongWords && textWidth(word) > width ? breakWord(word, width) : [word]
      out.push(...pieces.slice(0, -1))
      current = pieces[pieces.length - 1]!
    }
    out.push(current)
  }
  return out.join('\n').replaceAll(NBSP, ' ')
}

/** A column is not squeezed below this (or its widest word, if shorter), unless it is narrower. */
const MIN_COLUMN = 8
/** Nor is it kept wider than this just to hold its longest word (longer words are broken). */
const MAX_WORD_COLUMN = 16

/**
 * How to lay out `rows` (the header first) within `maxColumns` (cli-table3 borders and padding
 * take 3 per column plus 1): 'natural' when they fit as they are; else the content width of each
 * column, where `keep` columns hold their full width and the others share the rest by water-filling
 * (in proportion to the width each still wants; wide ones wrap); 'transpose' when not even that fits.
 */
export function fitColumns(
  rows: readonly (readonly string[])[],
  maxColumns: number,
  keep: readonly number[],
): 'natural' | 'transpose' | number[] {
  const n = Math.max(0, ...rows.map((r) => r.length))
  const natural = Array.from({ length: n }, (_, c) => Math.max(1, ...rows.map((r) => widest(r[c] ?? ''))))
  const available = maxColumns - (3 * n + 1)
  if (natural.reduce((a, b) => a + b, 0) <= available) return 'natural'
  const minimum = natural.map((w, c) => {
    if (keep.includes(c)) return w
    const word = Math.max(...rows.map((r) => longestWord(r[c] ?? '')))
    return Math.min(w, Math.max(MIN_COLUMN, Math.min(word, MAX_WORD_COLUMN)))
  })
  let left = available - minimum.reduce((a, b) => a + b, 0)
  if (left < 0) return 'transpose'
  // What is left goes to the columns that want more, in proportion to how much more they want.
  const deficit = natural.map((w, c) => w - minimum[c]!)
  const wanted = deficit.reduce((a, b) => a + b, 0)
  const widths = minimum.map((w, c) => w + Math.floor((left * deficit[c]!) / wanted))
  left -= widths.reduce((a, b) => a + b, 0) - minimum.reduce((a, b) => a + b, 0)
  for (const c of deficit.map((_, c) => c).sort((a, b) => deficit[b]! - deficit[a]!)) {
    if (left === 0) break
    if (widths[c]! < natural[c]!) {
      widths[c]! += 1
      left -= 1
    }
  }
  return widths
}

/**
 * Prose lines (warnings, lists) wrapped at spaces to the width, continuation lines indented like the
 * first line's text; a word longer than the line (a path, a URL) is cut after a `/` or other
 * punctuation, as table cells are, so a long checkout or temp path never widens the output. Table
 * lines (which already fit) are left alone.
 */
export function wrapProse(lines: readonly string[], maxColumns = terminalColumns()): string[] {
  return lines.flatMap((line) => {
    if (textWidth(line) <= maxColumns || /^[│┌└├┬┴┼─]/.test(line)) return [line]
    // continuation lines start under the text: after a list dash, or after a short `key   ` column
    const indent = /^(\s*- |\S.{0,14}? {2,}|\s*)/.exec(line)![0].length
    const wrapped = wrapCell(line.slice(indent), Math.max(20, maxColumns - indent)).split('\n')
    return wrapped.map((w, i) => (i === 0 ? line.slice(0, indent) : ' '.repeat(indent)) + w)
  })
}

/** Human (table-format) output with its prose lines wrapped to the width; never used on markdown, JSON or other formats. */
export function fitText(text: string, maxColumns = terminalColumns()): string {
  return wrapProse(text.split('\n'), maxColumns).join('\n')
}
