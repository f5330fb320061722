// MM2's topic and group filters (DefaultTopicFilter, DefaultGroupFilter): comma-separated lists of
// Java regular expressions, tested against whole names. MirrorUtils.compilePatternList joins a list
// with "|" into one java.util.regex.Pattern, so `(?i)` at the start of one entry also applies to the
// entries after it; the lists are compiled the same way here, through java-regex.ts.
import { compileJavaRegex, JavaRegexError } from './java-regex.ts'

/** A pattern that cannot be evaluated, and why (see JavaRegexError.reason). */
export interface PatternProblem {
  readonly pattern: string
  readonly reason: string
}

/**
 * MirrorUtils.compilePatternList + Matcher.matches: a name passes when the joined pattern matches all of it.
 * An empty list matches nothing. When the list cannot be compiled, `invalid` names the entries at fault
 * (or the joined list, when only the join fails) and `matches` falls back to the entries that compile.
 */
export function compilePatternList (patterns: readonly string[]): { matches: (name: string) => boolean, invalid: PatternProblem[] } {
  if (patterns.length === 0) return { matches: () => false, invalid: [] }
  const joined = patterns.join('|')
  try {
    const regex = compileJavaRegex(joined)
    return { matches: (name) => regex.test(name), invalid: [] }
  } catch (error) {
    if (!(error instanceof JavaRegexError)) throw error
    const compiled: RegExp[] = []
    const invalid: PatternProblem[] = []
    for (const pattern of patterns) {
      try {
        compiled.push(compileJavaRegex(pattern))
      } catch (entryError) {
        if (!(entryError instanceof JavaRegexError)) throw entryError
        invalid.push({ pattern, reason: entryError.reason })
      }
    }
    // Each entry compiles alone but not joined, e.g. a group name defined twice.
    if (invalid.length === 0) invalid.push({ pattern: joined, reason: `${error.reason}, once MM2 joins the list with "|"` })
    return { matches: (name) => compiled.some((regex) => regex.test(name)), invalid }
  }
}

/** DefaultTopicFilter/DefaultGroupFilter: included and not excluded. */
export function compileNameFilter (include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const included = compilePatternList(include).matches
  const excluded = compilePatternList(exclude).matches
  return (name) => included(name) && !excluded(name)
}
