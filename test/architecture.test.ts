import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const MODULES = resolve(import.meta.dirname, '../src/modules')

/** Every import specifier in a source file: static, side-effect, re-export and dynamic. */
function importsOf(source: string): string[] {
  const specifiers: string[] = []
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g]
  for (const re of patterns) for (const m of source.matchAll(re)) specifiers.push(m[1])
  return specifiers
}

/**
 * Why an import from `file` (inside src/modules/<a>/) breaks the module boundary, or undefined
 * when it is fine: another module may be reached only through its `index.ts`.
 */
function boundaryViolation(file: string, specifier: string, modulesDir = MODULES): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  const from = relative(modulesDir, file).split(sep)
  const target = relative(modulesDir, resolve(dirname(file), specifier)).split(sep)
  if (target[0] === '..' || target[0] === from[0]) return undefined
  const inside = target.slice(1).join('/')
  if (inside === '' || /^index(\.[jt]s)?$/.test(inside)) return undefined
  return `${relative(modulesDir, file)} imports "${specifier}": module "${target[0]}" may only be imported through its index.ts`
}

const sourceFiles = () =>
  (readdirSync(MODULES, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(MODULES, f))

describe('module boundaries', () => {
  it('no module imports another module except through its index.ts', () => {
    const violations = sourceFiles().flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .map((s) => boundaryViolation(file, s))
        .filter((v): v is string => v !== undefined),
    )
    expect(violations).toEqual([])
  })

  it('sees the imports that would break the rule', () => {
    const file = join(MODULES, 'orders', 'service.ts')
    const src = `import { a } from '../catalog/service.js'\nimport type { B } from "../customers/schema.js"\nexport { c } from '../locations/routes.js'\nconst d = await import('../inventory/tables.js')\nimport '../channels/side-effect.js'`
    expect(importsOf(src).map((s) => boundaryViolation(file, s)).every(Boolean)).toBe(true)
    expect(boundaryViolation(join(MODULES, 'orders', 'deep', 'x.ts'), '../../catalog/service.js')).toBeDefined()
  })

  it('allows index.ts of other modules, files of the same module and the kernel', () => {
    const file = join(MODULES, 'orders', 'service.ts')
    for (const s of ['../catalog/index.js', '../catalog', '../catalog/index.ts', './machine.js', '../../kernel/errors.js', '../../db/transaction.js', 'zod']) {
      expect(boundaryViolation(file, s), s).toBeUndefined()
    }
    expect(boundaryViolation(join(MODULES, 'orders', 'deep', 'x.ts'), '../machine.js')).toBeUndefined()
  })
})
