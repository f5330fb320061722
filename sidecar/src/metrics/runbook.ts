// The runbook the sidecar serves at /runbook: alerts/runbook.md of the package it runs from, as HTML
// with one anchor per section. The generated alerts link to `http://<a live sidecar instance>/runbook#<alert>`
// by default, so a link opens the runbook of the version that is running without a site to host it on,
// and without pointing at a repository the operator may not be able to reach.
// Markdown is rendered by the few rules the runbook uses (headings, paragraphs, `- ` lists, fenced code,
// **bold**, *italic*, `code`); everything is HTML-escaped first, so the page carries no markup of its own.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGE } from '../package-info.ts'

/** Where the runbook lives in the package (and in the repository). */
export const RUNBOOK_FILE = 'alerts/runbook.md'

/** The anchor GitHub and this page give a heading: lowercased, punctuation dropped, spaces as hyphens. */
export function runbookAnchor (heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
}

/** The runbook's markdown, read from the package the sidecar runs from; null when the file is missing. */
export function readRunbook (root: string = PACKAGE.root): string | null {
  try {
    return readFileSync(join(root, RUNBOOK_FILE), 'utf8')
  } catch {
    return null
  }
}

function escapeHtml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Inline markup of one escaped line: `code` first (its content stays literal), then **bold** and *italic*. */
function inline (text: string): string {
  return escapeHtml(text).split('`').map((part, index) => {
    if (index % 2 === 1) return `<code>${part}</code>`
    return part.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/\*([^*\s][^*]*)\*/g, '<em>$1</em>')
  }).join('')
}

/** The runbook as a self-contained HTML page. */
export function renderRunbookHtml (markdown: string): string {
  const html: string[] = []
  let paragraph: string[] = []
  let list: string[] | null = null
  let code: string[] | null = null
  const flush = (): void => {
    if (paragraph.length > 0) html.push(`<p>${inline(paragraph.join(' '))}</p>`)
    paragraph = []
    if (list !== null) html.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`)
    list = null
  }
  for (const line of markdown.split('\n')) {
    if (code !== null) {
      if (line.startsWith('```')) {
        html.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`)
        code = null
      } else {
        code.push(line)
      }
      continue
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line)
    if (line.startsWith('```')) {
      flush()
      code = []
    } else if (heading !== null) {
      flush()
      const level = heading[1]!.length
      const text = heading[2]!
      html.push(`<h${level} id="${escapeHtml(runbookAnchor(text))}">${inline(text)}</h${level}>`)
    } else if (line.trim() === '') {
      flush()
    } else if (line.startsWith('- ')) {
      if (paragraph.length > 0 || list === null) flush()
      list ??= []
      list.push(line.slice(2))
    } else if (list !== null && /^\s+\S/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`
    } else {
      if (list !== null) flush()
      paragraph.push(line.trim())
    }
  }
  if (code !== null) html.push(`<pre><code>${escapeHtml((code as string[]).join('\n'))}</code></pre>`)
  flush()
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>mm2-failback runbook</title>',
    '<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}' +
      'code,pre{background:#f3f3f3;border-radius:3px}pre{padding:.5rem;overflow-x:auto}h2{border-top:1px solid #ddd;padding-top:1rem}</style>',
    `</head><body>\n${html.join('\n')}\n</body></html>`,
    ''
  ].join('\n')
}
