// The lab's optional security profile: SASL_SSL with SCRAM on every cluster's client listener, and
// optionally ACLs (StandardAuthorizer). The KRaft controller listener stays PLAINTEXT on 127.0.0.1.
//
// At start the lab generates, in <runDir>/security/, with openssl and keytool: a CA, one broker
// certificate (SAN IP:127.0.0.1, DNS:localhost) in a PKCS12 keystore, a PKCS12 truststore (keytool,
// as a Java user would make it) and the CA as PEM. Every password (users, keystore, truststore) is
// random per lab, so tests can grep captured output for them. SCRAM users are created when the
// storage is formatted (`format --add-scram`, Kafka 3.5+), for both SCRAM mechanisms.
//
// MM2 connects to cluster X with `X.security.protocol=SASL_SSL`, the mechanism and truststore type
// chosen per cluster (default: A SCRAM-SHA-512 with the PKCS12 truststore, every other cluster
// SCRAM-SHA-256 with the PEM CA), so the sidecar reading the same mm2.properties meets both kinds.
// With `secrets: 'providers'` the passwords are not in mm2.properties at all: the first cluster's
// come from a properties file through `${file:...}` and the others' from the MM2 process's
// environment through `${env:...}` (Kafka's FileConfigProvider and EnvVarConfigProvider).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { SASLOptions } from '@platformatic/kafka'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import { formatProperties, type BrokerPorts, type Properties } from './config.ts'
import { LOOPBACK } from './net.ts'

const execFileAsync = promisify(execFile)

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
export type TruststoreType = 'PKCS12' | 'PEM'

export const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule'
export const STANDARD_AUTHORIZER = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'
/** The broker's own principal (inter-broker SCRAM), MM2's and the lab's admin (tests, readiness checks): super users when ACLs are on. */
export const BROKER_USER = 'broker'
export const MM2_USER = 'mm2'
export const ADMIN_USER = 'admin'

export interface LabSecurityOptions {
  /** Extra SCRAM users (name -> password; a random password when empty) created on every cluster; not super users. */
  users?: Record<string, string>
  /**
   * StandardAuthorizer with allow.everyone.if.no.acl.found=false; super users: broker, mm2, admin
   * (and ANONYMOUS, the PLAINTEXT controller listener's principal).
   */
  acls?: boolean
  /** SCRAM mechanism MM2 (and the lab's clients) use per cluster alias (default: the first alias SCRAM-SHA-512, others SCRAM-SHA-256). */
  mechanisms?: Record<string, ScramMechanism>
  /** Truststore MM2 is given per cluster alias (default: the first alias PKCS12, others PEM). */
  truststores?: Record<string, TruststoreType>
  /**
   * `inline` (default): passwords written into mm2.properties. `providers`: mm2.properties declares
   * `config.providers=file,env`; the first cluster's SASL and truststore passwords come from
   * `${file:<security dir>/secrets-mm2.properties:...}`, the others' from `${env:...}` (see `envFor`).
   */
  secrets?: 'inline' | 'providers'
}

/** Generated key material and passwords of one lab (see the module comment). */
export interface SecurityMaterial {
  dir: string
  caPem: string
  brokerKeystore: string
  truststoreP12: string
  keystorePassword: string
  truststorePassword: string
}

/** What the lab knows about its security: passwords, files, and how each cluster is reached. */
export class LabSecurity {
  readonly options: LabSecurityOptions
  readonly material: SecurityMaterial
  readonly aliases: readonly string[]
  /** Every SCRAM user and its password: broker, mm2, admin and the extra users. */
  readonly users: Readonly<Record<string, string>>

  constructor (options: LabSecurityOptions, material: SecurityMaterial, aliases: readonly string[]) {
    this.options = options
    this.material = material
    this.aliases = aliases
    const users: Record<string, string> = { [BROKER_USER]: randomPassword(), [MM2_USER]: randomPassword(), [ADMIN_USER]: randomPassword() }
    for (const [name, password] of Object.entries(options.users ?? {})) users[name] = password === '' ? randomPassword() : password
    for (const name of Object.keys(users)) {
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`lab security: user name ${JSON.stringify(name)} must be letters, digits, "_", "." or "-".`)
    }
    this.users = users
  }

  /**
   * The environment a process reading `mm2Properties(user)` needs (`secrets: 'providers'`): the
   * variables its `${env:...}` references name. Empty with inline secrets.
   */
  envFor (user = MM2_USER): Record<string, string> {
    const env: Record<string, string> = {}
    if (this.options.secrets === 'providers') {
      for (const alias of this.aliases.slice(1)) env[envVarName(alias, user)] = this.users[user]!
    }
    return env
  }

  /** The environment of the MM2 process. */
  get mm2Env (): Record<string, string> {
    return this.envFor(MM2_USER)
  }

  get acls (): boolean { return this.options.acls ?? false }

  mechanism (alias: string): ScramMechanism {
    return this.options.mechanisms?.[alias] ?? (alias === this.aliases[0] ? 'SCRAM-SHA-512' : 'SCRAM-SHA-256')
  }

  truststoreType (alias: string): TruststoreType {
    return this.options.truststores?.[alias] ?? (alias === this.aliases[0] ? 'PKCS12' : 'PEM')
  }

  /** Every secret of the lab: what must never appear in any output. */
  secrets (): string[] {
    return [...Object.values(this.users), this.material.keystorePassword, this.material.truststorePassword]
  }

  /** server.properties entries of a broker (listeners, TLS, SASL, and the authorizer when ACLs are on). */
  brokerProperties (ports: BrokerPorts): Properties {
    const { material } = this
    const jaas = jaasConfig(BROKER_USER, this.users[BROKER_USER]!)
    const props: Properties = {
      listeners: `SASL_SSL://${LOOPBACK}:${ports.client},CONTROLLER://${LOOPBACK}:${ports.controller}`,
      'advertised.listeners': `SASL_SSL://${LOOPBACK}:${ports.client}`,
      'inter.broker.listener.name': 'SASL_SSL',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': jaas,
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': jaas,
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': material.brokerKeystore,
      'ssl.keystore.password': material.keystorePassword,
      'ssl.key.password': material.keystorePassword,
      // The broker is a TLS client of itself (inter-broker listener, e.g. transaction markers).
      'ssl.truststore.type': 'PKCS12',
      'ssl.truststore.location': material.truststoreP12,
      'ssl.truststore.password': material.truststorePassword,
      'ssl.client.auth': 'none'
    }
    if (this.acls) {
      Object.assign(props, {
        'authorizer.class.name': STANDARD_AUTHORIZER,
        'allow.everyone.if.no.acl.found': false,
        // ANONYMOUS is the principal of the PLAINTEXT controller listener (broker-to-controller requests).
        'super.users': [BROKER_USER, MM2_USER, ADMIN_USER].map(user => `User:${user}`).concat('User:ANONYMOUS').join(';')
      })
    }
    return props
  }

  /** `StorageTool format` arguments creating every user for both SCRAM mechanisms. */
  formatArgs (): string[] {
    return Object.entries(this.users).flatMap(([name, password]) =>
      (['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const).flatMap(mechanism => ['--add-scram', `${mechanism}=[name=${name},password=${password}]`]))
  }

  /**
   * mm2.properties entries for the connections to every cluster as `user` (default mm2; the sidecar
   * of an ACL test gets its own). With `secrets: 'providers'` this also writes the secrets file the
   * `${file:...}` references read (one per user), and `envFor(user)` is the environment to run with.
   */
  mm2Properties (user = MM2_USER): Properties {
    const props: Properties = {}
    const providers = this.options.secrets === 'providers'
    const secretsFile = join(this.material.dir, `secrets-${user}.properties`)
    if (providers) {
      props['config.providers'] = 'file,env'
      props['config.providers.file.class'] = 'org.apache.kafka.common.config.provider.FileConfigProvider'
      props['config.providers.env.class'] = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider'
      const secrets = { [`${this.aliases[0]}.password`]: this.users[user]!, 'truststore.password': this.material.truststorePassword }
      writeFileSync(secretsFile, formatProperties(secrets, 'read by the file config provider references of mm2.properties'), { mode: 0o600 })
    }
    this.aliases.forEach((alias, index) => {
      const password = !providers ? this.users[user]! : index === 0 ? `\${file:${secretsFile}:${alias}.password}` : `\${env:${envVarName(alias, user)}}`
      props[`${alias}.security.protocol`] = 'SASL_SSL'
      props[`${alias}.sasl.mechanism`] = this.mechanism(alias)
      props[`${alias}.sasl.jaas.config`] = jaasConfig(user, password)
      if (this.truststoreType(alias) === 'PKCS12') {
        props[`${alias}.ssl.truststore.type`] = 'PKCS12'
        props[`${alias}.ssl.truststore.location`] = this.material.truststoreP12
        props[`${alias}.ssl.truststore.password`] = providers ? `\${file:${secretsFile}:truststore.password}` : this.material.truststorePassword
      } else {
        props[`${alias}.ssl.truststore.type`] = 'PEM'
        props[`${alias}.ssl.truststore.location`] = this.material.caPem
      }
    })
    return props
  }

  /** @platformatic/kafka connection options of a Node client connecting to `alias` as `user` (default admin, a super user). */
  clientOptions (alias: string, user = ADMIN_USER): { tls: TlsOptions, sasl: SASLOptions } {
    const password = this.users[user]
    if (password === undefined) throw new Error(`lab security: no user ${user}.`)
    return { tls: { ca: readFileSync(this.material.caPem, 'utf8') }, sasl: { mechanism: this.mechanism(alias), username: user, password } }
  }

  /** A Java client properties file (kafka-acls.sh --command-config, console tools) for `alias` as `user`; returns its path. */
  writeCommandConfig (alias: string, user = ADMIN_USER): string {
    const file = join(this.material.dir, `client-${alias}-${user}.properties`)
    writeFileSync(file, formatProperties({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': this.mechanism(alias),
      'sasl.jaas.config': jaasConfig(user, this.users[user]!),
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': this.material.caPem
    }), { mode: 0o600 })
    return file
  }
}

export function jaasConfig (user: string, password: string): string {
  return `${SCRAM_LOGIN_MODULE} required username="${user}" password="${password}";`
}

/** The variable holding `user`'s password for cluster `alias` with `secrets: 'providers'`. */
export function envVarName (alias: string, user = MM2_USER): string {
  return `MM2_LAB_${`${alias}_${user}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`
}

/** 18 random bytes, base64url: no character that JAAS quoting, --add-scram or properties escaping would mangle. */
export function randomPassword (): string {
  return `pw-${randomBytes(18).toString('base64url')}`
}

/** Generates the CA, the broker keystore and the truststores into `dir` (openssl and keytool; a second or two). */
export async function generateSecurityMaterial (dir: string): Promise<SecurityMaterial> {
  mkdirSync(dir, { recursive: true })
  const file = (name: string) => join(dir, name)
  const keystorePassword = randomPassword()
  const truststorePassword = randomPassword()
  const openssl = async (...args: string[]) => { await execFileAsync('openssl', args, { cwd: dir, timeout: 60_000 }) }
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '7', '-subj', '/CN=mm2-failback lab CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', file('ca.key'), '-out', file('ca.pem'))
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('broker.key'), '-out', file('broker.csr'))
  writeFileSync(file('broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n')
  await openssl('x509', '-req', '-sha256', '-days', '7', '-in', file('broker.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-extfile', file('broker.ext'), '-out', file('broker.pem'))
  await openssl('pkcs12', '-export', '-name', 'broker', '-in', file('broker.pem'), '-inkey', file('broker.key'), '-certfile', file('ca.pem'),
    '-passout', `pass:${keystorePassword}`, '-out', file('broker.p12'))
  // keytool, as Java users make truststores (PBES2/AES-256 certificate bags and a SHA-256 MAC on Java 17).
  await execFileAsync('keytool', ['-importcert', '-noprompt', '-alias', 'lab-ca', '-file', file('ca.pem'), '-keystore', file('truststore.p12'),
    '-storetype', 'PKCS12', '-storepass', truststorePassword], { cwd: dir, timeout: 60_000 })
  return { dir, caPem: file('ca.pem'), brokerKeystore: file('broker.p12'), truststoreP12: file('truststore.p12'), keystorePassword, truststorePassword }
}
