import { escapeXml as esc } from './escape.js'

/**
 * Self-contained HTML pages: inline CSS and inline SVG only — no scripts, fonts, images or links
 * to fetch, so the page reads the same offline or as a CI artifact.
 */
const STYLE = `
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 2rem; color: #1f2328; max-width: 1100px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; padding: 0.5rem 1rem; }
.pass { color: #1a7f37; font-weight: bold; } .fail { color: #cf222e; font-weight: bold; }
.figures { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
footer { margin-top: 2rem; color: #57606a; font-size: 0.85rem; }
`

export const page = (title: string, body: string): string =>
  `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${esc(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${body}\n</body>\n</html>\n`
