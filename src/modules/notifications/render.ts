// A small, safe template language for customer e-mails (a subset of Mustache/Handlebars):
//   {{order.number}}                     a value; HTML-escaped in HTML bodies
//   {{#each order.lines}}…{{/each}}      repeat for each item; inside, names resolve on the item
//                                        first (`{{name}}`, `{{this}}`), then outside it
//   {{#if shipment.trackingUrl}}…{{else}}…{{/if}}
// Templates are edited through the API, so they can only read the data they are given: no code,
// no helpers, no prototype lookups. A missing value renders as nothing.

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'value'; path: string[] }
  | { kind: 'each'; path: string[]; body: TemplateNode[] }
  | { kind: 'if'; path: string[]; then: TemplateNode[]; otherwise: TemplateNode[] }

export class TemplateError extends Error {
  constructor(
    message: string,
    /** Character offset of the faulty tag. */
    readonly offset: number,
  ) {
    super(message)
    this.name = 'TemplateError'
  }
}

const TAG = /\{\{\s*([#/]?)\s*([^{}]*?)\s*\}\}/g
const PATH = /^(this|[A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)*$/

const pathOf = (expr: string, offset: number): string[] => {
  if (!PATH.test(expr)) throw new TemplateError(`"{{${expr}}}" is not a name like order.number`, offset)
  return expr.split('.')
}

/** Parses a template; throws TemplateError naming the first faulty tag. */
export function parseTemplate(source: string): TemplateNode[] {
  type Frame = { block: 'root' | 'each' | 'if'; nodes: TemplateNode[]; node?: TemplateNode; offset: number }
  const root: Frame = { block: 'root', nodes: [], offset: 0 }
  const stack: Frame[] = [root]
  let last = 0
  for (const m of source.matchAll(TAG)) {
    const top = stack[stack.length - 1]
    const offset = m.index
    if (offset > last) top.nodes.push({ kind: 'text', text: source.slice(last, offset) })
    last = offset + m[0].length
    const [, sigil, body] = m
    if (sigil === '#') {
      const [word, expr = '', ...rest] = body.split(/\s+/)
      if ((word !== 'each' && word !== 'if') || rest.length) throw new TemplateError(`"{{#${body}}}": blocks are {{#each list}} and {{#if value}}`, offset)
      const path = pathOf(expr, offset)
      const node: TemplateNode = word === 'each' ? { kind: 'each', path, body: [] } : { kind: 'if', path, then: [], otherwise: [] }
      top.nodes.push(node)
      stack.push({ block: word, nodes: node.kind === 'each' ? node.body : (node as Extract<TemplateNode, { kind: 'if' }>).then, node, offset })
    } else if (sigil === '/') {
      if (top.block === 'root') throw new TemplateError(`"{{/${body}}}" closes nothing`, offset)
      if (body !== top.block) throw new TemplateError(`"{{/${body}}}" where {{/${top.block}}} was expected`, offset)
      stack.pop()
    } else if (body === 'else') {
      const node = top.node
      if (top.block !== 'if' || node?.kind !== 'if' || top.nodes !== node.then) throw new TemplateError('{{else}} outside an {{#if}}', offset)
      top.nodes = node.otherwise
    } else {
      top.nodes.push({ kind: 'value', path: pathOf(body, offset) })
    }
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]
    throw new TemplateError(`{{#${open.block}}} is never closed with {{/${open.block}}}`, open.offset)
  }
  if (last < source.length) root.nodes.push({ kind: 'text', text: source.slice(last) })
  return root.nodes
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])

type Scope = readonly unknown[]

function lookup(scopes: Scope, path: string[]): unknown {
  if (path[0] === 'this') return path.length === 1 ? scopes[scopes.length - 1] : walk(scopes[scopes.length - 1], path.slice(1))
  // Innermost scope that has the first name wins, as in Mustache.
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i]
    if (isRecord(s) && Object.hasOwn(s, path[0])) return walk(s, path)
  }
  return undefined
}

function walk(value: unknown, path: string[]): unknown {
  let v = value
  for (const key of path) {
    if (!isRecord(v) || !Object.hasOwn(v, key)) return undefined
    v = v[key]
  }
  return v
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

const truthy = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== false && v !== '' && v !== 0)

const show = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '')

/** Templates change when a person edits one; every e-mail renders one: parsed once per source text. */
const parsed = new Map<string, TemplateNode[]>()
function parsedTemplate(source: string): TemplateNode[] {
  let nodes = parsed.get(source)
  if (!nodes) {
    nodes = parseTemplate(source)
    if (parsed.size >= 200) parsed.clear()
    parsed.set(source, nodes)
  }
  return nodes
}

/** Renders parsed (or source) template over `data`; `html` escapes every value. */
export function renderTemplate(template: string | TemplateNode[], data: Record<string, unknown>, mode: 'html' | 'text'): string {
  const nodes = typeof template === 'string' ? parsedTemplate(template) : template
  const out: string[] = []
  const run = (list: TemplateNode[], scopes: Scope) => {
    for (const n of list) {
      if (n.kind === 'text') out.push(n.text)
      else if (n.kind === 'value') {
        const s = show(lookup(scopes, n.path))
        out.push(mode === 'html' ? escapeHtml(s) : s)
      } else if (n.kind === 'each') {
        const items = lookup(scopes, n.path)
        if (Array.isArray(items)) for (const item of items) run(n.body, [...scopes, item])
      } else run(truthy(lookup(scopes, n.path)) ? n.then : n.otherwise, scopes)
    }
  }
  run(nodes, [data])
  return out.join('')
}

/** A subject line: text mode, on one line. */
export const renderSubject = (template: string | TemplateNode[], data: Record<string, unknown>) =>
  renderTemplate(template, data, 'text').replace(/\s*[\r\n]+\s*/g, ' ').trim()
