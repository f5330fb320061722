// Secret settings of mm2.properties (passwords, JAAS lines, keys): wrapped so that no log line, JSON
// document or error message can print them by accident. Which keys are secret is decided here.

const MASK = '******'
const inspectCustom = Symbol.for('nodejs.util.inspect.custom')

/** A secret setting: prints, stringifies and serialises as "******"; `reveal()` is the only way to the value. */
export class Secret {
  readonly #value: string

  constructor (value: string) {
    this.#value = value
  }

  /** The real value, for the Kafka client configuration only. */
  reveal (): string {
    return this.#value
  }

  toString (): string {
    return MASK
  }

  toJSON (): string {
    return MASK
  }

  [inspectCustom] (): string {
    return `Secret(${MASK})`
  }
}

export type SettingValue = string | Secret

const SECRET_KEY = /password|secret|sasl\.jaas\.config|ssl\.keystore\.key$|basic\.auth\.user\.info/i

/** True for keys whose values must never be shown: any key containing password, secret or sasl.jaas.config (and a few more). */
export function isSecretKey (key: string): boolean {
  return SECRET_KEY.test(key)
}

/** The value of `key` as the model keeps it: wrapped in Secret when the key is secret. */
export function settingValue (key: string, value: string): SettingValue {
  return isSecretKey(key) ? new Secret(value) : value
}

/** The plain value of a setting, secret or not. */
export function reveal (value: SettingValue): string {
  return typeof value === 'string' ? value : value.reveal()
}

/** The value as it may be displayed: "******" for secrets. */
export function displayValue (value: SettingValue): string {
  return typeof value === 'string' ? value : MASK
}

/** A raw value of `key` as it may appear in a message: quoted, or "******" when the key is secret. */
export function quotedValue (key: string, value: string): string {
  return isSecretKey(key) ? MASK : JSON.stringify(value)
}
