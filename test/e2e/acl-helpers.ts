// docs/acls.md as test input: its `kafka-acls.sh` commands are parsed (shell words, quotes and $VARS as
// sh would split them), run for real with the Kafka line's AclCommand against a secured lab, and
// turned into the ACL bindings they add, so the e2e test can check that the cluster holds exactly
// those and remove one of them.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes, type Admin } from '@platformatic/kafka'
import { runJavaTool } from '../../lab/java-tools.ts'
import { lineInfo, REPO_ROOT, type KafkaLine } from '../../lab/versions.ts'

export const ACLS_DOC = join(REPO_ROOT, 'docs', 'acls.md')

export interface DocumentedCommand {
  /** The variable the command's connection comes from: `A` or `B` (the cluster alias). */
  cluster: string
  /** The arguments after `kafka-acls.sh`, variables expanded. */
  args: string[]
  /** In a block introduced as optional. */
  optional: boolean
  /** The line as written in the doc. */
  text: string
}

/** One ACL binding (resource pattern + operation) for the principal, as kafka-acls.sh would add it. */
export interface Binding {
  resourceType: 'Topic' | 'Group' | 'TransactionalId' | 'Cluster'
  name: string
  patternType: 'literal' | 'prefixed'
  operation: string
}

export const bindingKey = (binding: Binding): string => `${binding.resourceType}:${binding.patternType}:${binding.name}:${binding.operation}`

/**
 * Splits a shell command line into words as sh does for the subset the doc uses: '...' (literal),
 * "..." ($VAR expanded, one word), and bare words whose $VAR expansions are split on whitespace.
 */
export function shellWords (line: string, vars: Readonly<Record<string, string>>): string[] {
  const words: string[] = []
  let current: string | null = null
  const variable = /\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g
  const expand = (text: string): string => text.replace(variable, (_match, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!
    const value = vars[name]
    if (value === undefined) throw new Error(`docs/acls.md uses $${name}, which the test does not set`)
    return value
  })
  let i = 0
  while (i < line.length) {
    const ch = line[i]!
    if (ch === ' ' || ch === '\t') {
      if (current !== null) words.push(current)
      current = null
      i++
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) throw new Error(`unterminated ' in: ${line}`)
      current = (current ?? '') + line.slice(i + 1, end)
      i = end + 1
    } else if (ch === '"') {
      const end = line.indexOf('"', i + 1)
      if (end < 0) throw new Error(`unterminated " in: ${line}`)
      current = (current ?? '') + expand(line.slice(i + 1, end))
      i = end + 1
    } else if (ch === '#' && current === null) {
      break
    } else {
      let end = i
      while (end < line.length && !' \t\'"'.includes(line[end]!)) end++
      const parts = expand(line.slice(i, end)).split(/\s+/)
      // An unquoted expansion splits into several words; the first joins the current word.
      current = (current ?? '') + parts[0]!
      for (const part of parts.slice(1)) {
        if (current !== '') words.push(current)
        current = part
      }
      i = end
    }
  }
  if (current !== null && current !== '') words.push(current)
  return words
}

/** The kafka-acls.sh commands of the doc, in order, with `vars` substituted. */
export function documentedCommands (markdown: string, vars: Readonly<Record<string, string>>): DocumentedCommand[] {
  const commands: DocumentedCommand[] = []
  const lines = markdown.split('\n')
  let inBlock = false
  let lastProse = ''
  for (const line of lines) {
    if (line.startsWith('```')) {
      inBlock = !inBlock
      continue
    }
    if (!inBlock) {
      if (line.trim() !== '') lastProse = line.trim()
      continue
    }
    if (!line.startsWith('kafka-acls.sh ')) continue
    const cluster = /^kafka-acls\.sh \$([A-Za-z_]+)\b/.exec(line)?.[1]
    if (cluster === undefined) throw new Error(`a kafka-acls.sh command of docs/acls.md does not start with $A or $B: ${line}`)
    commands.push({ cluster, args: shellWords(line.slice('kafka-acls.sh '.length), vars), optional: /^optional/i.test(lastProse), text: line })
  }
  return commands
}

/** The bindings a `--add --allow-principal P ...` command adds (one per resource and operation). */
export function bindingsOf (args: readonly string[]): Binding[] {
  const operations: string[] = []
  const resources: Array<{ resourceType: Binding['resourceType'], name: string }> = []
  let patternType: Binding['patternType'] = 'literal'
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const value = args[i + 1]
    if (arg === '--operation') operations.push(value!)
    else if (arg === '--topic') resources.push({ resourceType: 'Topic', name: value! })
    else if (arg === '--group') resources.push({ resourceType: 'Group', name: value! })
    else if (arg === '--transactional-id') resources.push({ resourceType: 'TransactionalId', name: value! })
    else if (arg === '--cluster') resources.push({ resourceType: 'Cluster', name: 'kafka-cluster' })
    else if (arg === '--resource-pattern-type') patternType = value === 'prefixed' ? 'prefixed' : 'literal'
  }
  return resources.flatMap((resource) => operations.map((operation) => ({ ...resource, patternType, operation })))
}

/** Runs `kafka-acls.sh <args>` (the line's AclCommand main class) and returns its output. */
export async function runAclCommand (line: KafkaLine, args: readonly string[]): Promise<string> {
  const { stdout } = await runJavaTool(line, lineInfo(line).aclCommandClass, [...args], { timeoutMs: 120_000 })
  return stdout
}

const RESOURCE_NAMES: Record<number, Binding['resourceType']> = {
  [ResourceTypes.TOPIC]: 'Topic',
  [ResourceTypes.GROUP]: 'Group',
  [ResourceTypes.TRANSACTIONAL_ID]: 'TransactionalId',
  [ResourceTypes.CLUSTER]: 'Cluster'
}
const pascalCase = (name: string): string => name.split('_').map((part) => part[0] + part.slice(1).toLowerCase()).join('')
const OPERATION_NAMES: Record<number, string> = Object.fromEntries(Object.entries(AclOperations).map(([name, value]) => [value, pascalCase(name)]))

/** The ALLOW bindings `principal` holds on the cluster `admin` talks to. */
export async function bindingsOn (admin: Admin, principal: string): Promise<Binding[]> {
  const resources = await admin.describeAcls({
    filter: {
      resourceType: ResourceTypes.ANY,
      resourceName: null,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal,
      host: null,
      operation: AclOperations.ANY,
      permissionType: AclPermissionTypes.ANY
    }
  })
  const out: Binding[] = []
  for (const resource of resources) {
    for (const acl of resource.acls) {
      if (acl.permissionType !== AclPermissionTypes.ALLOW) continue
      out.push({
        resourceType: RESOURCE_NAMES[resource.resourceType] ?? 'Cluster',
        name: resource.resourceName,
        patternType: resource.resourcePatternType === ResourcePatternTypes.PREFIXED ? 'prefixed' : 'literal',
        operation: OPERATION_NAMES[acl.operation] ?? String(acl.operation)
      })
    }
  }
  return out
}

/** Deletes one binding of `principal`. */
export async function deleteBinding (admin: Admin, principal: string, binding: Binding): Promise<void> {
  const resourceType = {
    Topic: ResourceTypes.TOPIC,
    Group: ResourceTypes.GROUP,
    TransactionalId: ResourceTypes.TRANSACTIONAL_ID,
    Cluster: ResourceTypes.CLUSTER
  }[binding.resourceType]
  const operation = AclOperations[binding.operation.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() as keyof typeof AclOperations]
  await admin.deleteAcls({
    filters: [{
      resourceType,
      resourceName: binding.name,
      resourcePatternType: binding.patternType === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      principal,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW
    }]
  })
}

export function readAclsDoc (): string {
  return readFileSync(ACLS_DOC, 'utf8')
}
