import { AppError } from './errors.js'

/** A guard returns true, or the stable code of the rule that forbids the move. */
export type Guard<S> = (snapshot: S) => true | string

export interface TransitionDef<State extends string, S> {
  from: readonly State[]
  /** The target state; null for a command that changes the entity but not its state (an edit). */
  to: State | null
  guard?: Guard<S>
  description?: string
}

export interface MachineDef<State extends string, Command extends string, S> {
  entity: string
  states: readonly State[]
  initial: State
  final: readonly State[]
  transitions: Record<Command, TransitionDef<State, S>>
}

export interface Machine<State extends string, Command extends string, S> extends MachineDef<State, Command, S> {
  /** The target of `command` from `state`, or a 409 AppError naming why not. */
  next(state: State, command: Command, snapshot: S): State
  /** The commands that may run now: what the console shows as buttons. */
  allowed(state: State, snapshot: S): Command[]
  /** The table as plain data, for `GET /v1/lifecycles`. */
  describe(): { entity: string; states: readonly State[]; initial: State; final: readonly State[]; transitions: { command: Command; from: readonly State[]; to: State | null; description?: string }[] }
}

/** Checks a machine table: known states only, every state reachable, a final state reachable from each. */
export function validateMachine<State extends string, Command extends string, S>(def: MachineDef<State, Command, S>): string[] {
  const problems: string[] = []
  const states = new Set<string>(def.states)
  const entries = Object.entries(def.transitions) as [Command, TransitionDef<State, S>][]
  if (!states.has(def.initial)) problems.push(`initial state "${def.initial}" is not a state`)
  for (const f of def.final) if (!states.has(f)) problems.push(`final state "${f}" is not a state`)
  for (const [cmd, t] of entries) {
    for (const s of [...t.from, ...(t.to === null ? [] : [t.to])]) if (!states.has(s)) problems.push(`${cmd}: unknown state "${s}"`)
    for (const f of t.from) if (def.final.includes(f)) problems.push(`${cmd}: leaves final state "${f}"`)
  }
  const edges = (s: string) => entries.filter(([, t]) => t.from.includes(s as State) && t.to !== null).map(([, t]) => t.to as string)
  const reachable = new Set<string>([def.initial])
  for (let frontier = [def.initial as string]; frontier.length; ) {
    frontier = frontier.flatMap(edges).filter((s) => !reachable.has(s) && reachable.add(s))
  }
  for (const s of def.states) if (!reachable.has(s)) problems.push(`state "${s}" is unreachable from "${def.initial}"`)
  for (const s of def.states) {
    const seen = new Set<string>([s])
    for (let frontier = [s as string]; frontier.length; ) {
      frontier = frontier.flatMap(edges).filter((x) => !seen.has(x) && seen.add(x))
    }
    if (![...seen].some((x) => def.final.includes(x as State))) problems.push(`state "${s}" cannot reach a final state`)
  }
  return problems
}

export function defineMachine<State extends string, Command extends string, S>(def: MachineDef<State, Command, S>): Machine<State, Command, S> {
  const problems = validateMachine(def)
  if (problems.length) throw new Error(`Invalid ${def.entity} lifecycle: ${problems.join('; ')}`)
  const commands = Object.keys(def.transitions) as Command[]

  const check = (state: State, command: Command, snapshot: S): true | string => {
    const t = def.transitions[command]
    if (!t || !t.from.includes(state)) return `${def.entity}.invalid_transition`
    return t.guard ? t.guard(snapshot) : true
  }

  return {
    ...def,
    next(state, command, snapshot) {
      const verdict = check(state, command, snapshot)
      if (verdict !== true) {
        const detail =
          verdict === `${def.entity}.invalid_transition`
            ? `Cannot ${command} a ${def.entity.replace(/_/g, ' ')} that is ${state.replace(/_/g, ' ')}.`
            : `Cannot ${command} this ${def.entity.replace(/_/g, ' ')}: ${verdict.split('.').pop()!.replace(/_/g, ' ')}.`
        throw new AppError(409, verdict, detail)
      }
      return def.transitions[command].to ?? state
    },
    allowed: (state, snapshot) => commands.filter((c) => check(state, c, snapshot) === true),
    describe: () => ({
      entity: def.entity,
      states: def.states,
      initial: def.initial,
      final: def.final,
      transitions: commands.map((command) => ({
        command,
        from: def.transitions[command].from,
        to: def.transitions[command].to,
        ...(def.transitions[command].description ? { description: def.transitions[command].description } : {}),
      })),
    }),
  }
}
