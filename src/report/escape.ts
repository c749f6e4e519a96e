/**
 * Escaping for every place ferbench shows text that came from outside (file names, sample ids,
 * messages quoting data): terminals, markdown, XML/HTML/SVG, CSV. Control characters are shown as
 * `\xHH` (and bidirectional overrides as `\uHHHH`), so a file name cannot move the cursor, retitle
 * a terminal, reorder what is shown, or break an XML parser.
 */

/** C0 and C1 control characters except tab and newline, DEL, and the bidirectional embedding/override/isolate marks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

function visible(c: string): string {
  const code = c.charCodeAt(0)
  return code > 0xff
    ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`
    : `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
}

/** Control characters shown as `\xHH` (tab and newline kept). */
function escapeControl(text: string): string {
  return text.replace(CONTROL, visible)
}

/** No colour codes when stdout is not a terminal (pipes, CI logs) or NO_COLOR is set. */
export function plainOutput(): boolean {
  return !process.stdout.isTTY || process.env.NO_COLOR !== undefined || process.env.FORCE_COLOR === '0'
}

/** Colour sequences (SGR) that ferbench's own tables emit on a colour terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts a colour sequence
const SGR = /(\u001b\[[0-9;]*m)/

/**
 * Text for a terminal: every control character escaped, except — when `keepColours` — the colour
 * sequences the tables themselves add (colours only; a file name with one can change a colour,
 * never move the cursor or set a title).
 */
export function terminalText(text: string, keepColours: boolean): string {
  if (!keepColours) return escapeControl(text)
  return text
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : escapeControl(part)))
    .join('')
}

/** Characters XML 1.0 does not allow at all, not even as character references. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML refuses
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/** Escapes text for XML/HTML element content and attribute values (characters XML forbids shown as `\xHH`). */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, visible)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/**
 * Escapes text for markdown (GitHub-flavoured), in a table cell or running text: the characters
 * that start HTML (`<!--` would hide the rest of a job summary), entities, links, images, code,
 * emphasis, strike-through and table cells are backslash-escaped; line breaks become spaces;
 * control characters are shown as `\xHH`.
 */
export function escapeMarkdownText(text: string): string {
  return escapeControl(text)
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]<>|~&!#]/g, '\\$&')
}

/** Spreadsheet formula prefixes: a cell starting with one is run as a formula by Excel, LibreOffice, Google Sheets. */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * A CSV text cell that a spreadsheet will not run as a formula (the usual rule, OWASP "CSV
 * injection"): a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` in front; then RFC 4180
 * quoting (a field with a comma, quote, CR or LF is quoted, its quotes doubled). Numbers that
 * ferbench writes itself are not text cells and are left as they are.
 */
export function csvTextCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
