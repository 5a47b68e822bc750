/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function, inclusive time by
 * function, and self time by package / source file.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile | directory (its largest profile)> [--top 30] [--match text] [--skip 3]
 *
 * `--skip 3` leaves out the first 3 seconds (start-up: module loading, migrations).
 * `--match kysely` lists only frames whose URL or name contains the text (for the inclusive view).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, match: { type: 'string' }, skip: { type: 'string', default: '0' } },
})
const target = positionals[0]
if (!target) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile | dir> [--top N] [--match text]')
  process.exit(2)
}
const file = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
      // The largest is the main thread's (tsx's loader thread writes a small one beside it).
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]
  : target
if (!file) throw new Error(`no .cpuprofile in ${target}`)
const top = Number(values.top)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

/** Where a frame comes from: an npm package, a source file of this project, node itself, or V8. */
function origin(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native/V8)'
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1]
  if (url.startsWith('node:')) return 'node:internals'
  const src = /\/(src|bench|test)\/(.*)$/.exec(url)
  if (src) return `${src[1]}/${src[2]}`
  return url
}
const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/')
const label = (f: CallFrame) => `${f.functionName || '(anonymous)'}  ${short(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`

const selfUs = new Map<string, number>()
const inclUs = new Map<string, number>()
const originUs = new Map<string, number>()
let total = 0
let idle = 0
const skipUs = Number(values.skip) * 1e6
let at = 0
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0
  at += dt
  if (at < skipUs) continue
  const node = byId.get(profile.samples[i])
  if (!node) continue
  const f = node.callFrame
  if (f.functionName === '(idle)') {
    idle += dt
    continue
  }
  total += dt
  const key = label(f)
  selfUs.set(key, (selfUs.get(key) ?? 0) + dt)
  const o = origin(f.url, f.functionName)
  originUs.set(o, (originUs.get(o) ?? 0) + dt)
  // Inclusive: every distinct frame on the stack of this sample.
  const seen = new Set<string>()
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const k = label(byId.get(id)!.callFrame)
    if (seen.has(k)) continue
    seen.add(k)
    inclUs.set(k, (inclUs.get(k) ?? 0) + dt)
  }
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`
const list = (m: Map<string, number>, n: number, filter?: (k: string) => boolean) =>
  [...m]
    .filter(([k]) => !filter || filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${pct(us)} ${ms(us)}  ${k}`)
    .join('\n')

console.log(`${file}
wall ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s${skipUs ? ` (first ${values.skip} s left out)` : ''}; busy ${(total / 1e6).toFixed(1)} s; idle ${(idle / 1e6).toFixed(1)} s (percentages are of busy time)
`)
console.log(`self time by origin:\n${list(originUs, top)}\n`)
console.log(`self time by function (top ${top}):\n${list(selfUs, top)}\n`)
const match = values.match?.toLowerCase()
console.log(`inclusive time by function (top ${top}${match ? `, matching "${match}"` : ''}):\n${list(inclUs, top, match ? (k) => k.toLowerCase().includes(match) : undefined)}`)
