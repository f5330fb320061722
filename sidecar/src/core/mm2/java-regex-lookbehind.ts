// Java's lookbehind is not JavaScript's: Java tries start positions between the shortest and longest
// match it computes for the group (Pattern.TreeInfo, with int arithmetic), and rejects the pattern
// when it cannot compute a longest one ("does not have an obvious maximum length"); JavaScript matches
// the group backwards with no bound. They agree whenever Java's bounds are the true ones, which this
// module checks by redoing Pattern's study() on the tree.
import { JavaRegexError, type RegexNode } from './java-regex-ast.ts'

const MAX_REPS = 0x7fffffff
// Names never reach this length, so a Java bound at least this large is as good as none.
const NO_BOUND = 2 ** 30

interface TreeInfo {
  min: number
  max: number
  maxValid: boolean
  deterministic: boolean
}

const fresh = (): TreeInfo => ({ min: 0, max: 0, maxValid: true, deterministic: true })

/**
 * Java's verdict on a lookbehind `(?<=body)` opening at `index` and ending at `errorIndex` (where Java
 * reports its error): a syntax error when Java rejects it,
 * `untranslatable` when Java's bounds differ from the true ones or the body needs forward matching
 * (atomic groups and possessive quantifiers), undefined when JavaScript's lookbehind is equivalent.
 */
export function checkLookbehind (body: RegexNode, index: number, errorIndex: number): JavaRegexError | undefined {
  const info = fresh()
  study(body, info)
  if (!info.maxValid) return new JavaRegexError('syntax', 'Look-behind group does not have an obvious maximum length', errorIndex)
  if (needsForwardMatching(body)) {
    const reason = 'an atomic group or possessive quantifier inside a lookbehind cannot be reproduced, because JavaScript matches lookbehinds backwards'
    return new JavaRegexError('untranslatable', reason, index)
  }
  const [min, max] = trueLength(body)
  const maxAgrees = max === Infinity ? info.max >= NO_BOUND : info.max === max
  if (info.min !== min || !maxAgrees) {
    const reason = `Java bounds this lookbehind to ${info.min}..${info.max} characters (its int arithmetic overflows), ` +
      'so it does not match what the pattern says'
    return new JavaRegexError('untranslatable', reason, index)
  }
  return undefined
}

/** Pattern's Node.study for the node kinds Java builds from each tree node. */
function study (node: RegexNode, info: TreeInfo): void {
  switch (node.type) {
    case 'empty': case 'assertion': case 'look':
      return
    case 'set':
      info.min = (info.min + 1) | 0
      info.max = (info.max + 1) | 0
      return
    case 'linebreak':
      info.min = (info.min + 1) | 0
      info.max = (info.max + 2) | 0
      return
    case 'sequence':
      for (const item of node.items) study(item, info)
      return
    case 'group': case 'atomic':
      study(node.body, info)
      return
    case 'alternation': {
      let min = Number.MAX_SAFE_INTEGER
      let max = -1
      let valid = info.maxValid
      for (const item of node.items) {
        const branch = fresh()
        study(item, branch)
        min = Math.min(min, branch.min)
        max = Math.max(max, branch.max)
        valid &&= branch.maxValid
      }
      info.min = (info.min + min) | 0
      info.max = (info.max + max) | 0
      info.maxValid = valid
      info.deterministic = false
      return
    }
    case 'repeat':
      studyRepeat(node, info)
  }
}

function studyRepeat (node: Extract<RegexNode, { type: 'repeat' }>, info: TreeInfo): void {
  const { body, min, max, mode } = node
  if (body.type === 'set' && mode === 'greedy' && max === Infinity) {
    // CharPropertyGreedy adds MAX_REPS to the longest length, unchecked.
    info.min = (info.min + min) | 0
    if (info.maxValid) info.max = (info.max + MAX_REPS) | 0
    info.deterministic = false
    return
  }
  if (min === 0 && max === 1) {
    // Ques (or the Branch Java builds for a group with `?`): the body is optional.
    const saved = info.min
    study(body, info)
    info.min = saved
    info.deterministic = false
    return
  }
  const inner = fresh()
  study(body, inner)
  if (body.type === 'group' && mode !== 'possessive' && !inner.deterministic) {
    // Java repeats a group that can match in several ways with a Loop, which has no maximum length.
    info.maxValid = false
    info.deterministic = false
    return
  }
  // Curly and GroupCurly.
  const cmax = max === Infinity ? MAX_REPS : max
  const minBefore = info.min
  const maxBefore = info.max
  let total = (Math.imul(inner.min, min) + minBefore) | 0
  info.min = total < minBefore ? 0xfffffff : total
  if (info.maxValid && inner.maxValid) {
    total = (Math.imul(inner.max, cmax) + maxBefore) | 0
    info.max = total
    info.maxValid = total >= maxBefore
  } else {
    info.maxValid = false
  }
  if (!(inner.deterministic && min === max)) info.deterministic = false
}

function needsForwardMatching (node: RegexNode): boolean {
  switch (node.type) {
    case 'atomic':
      return true
    case 'repeat':
      return node.mode === 'possessive' || needsForwardMatching(node.body)
    case 'sequence': case 'alternation':
      return node.items.some(needsForwardMatching)
    case 'group': case 'look':
      return needsForwardMatching(node.body)
    default:
      return false
  }
}

/** The shortest and longest number of code points the node can match. */
function trueLength (node: RegexNode): [number, number] {
  switch (node.type) {
    case 'set':
      return [1, 1]
    case 'linebreak':
      return [1, 2]
    case 'sequence':
      return node.items.map(trueLength).reduce(([min, max], [a, b]) => [min + a, max + b], [0, 0])
    case 'alternation': {
      const lengths = node.items.map(trueLength)
      return [Math.min(...lengths.map(([min]) => min)), Math.max(...lengths.map(([, max]) => max))]
    }
    case 'group': case 'atomic':
      return trueLength(node.body)
    case 'repeat': {
      const [min, max] = trueLength(node.body)
      return [min * node.min, max === 0 ? 0 : max * node.max]
    }
    default:
      return [0, 0]
  }
}
