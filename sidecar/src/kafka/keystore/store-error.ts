/**
 * Why a key or trust store cannot be read, as a reason fragment ("wrong password"), never holding a
 * password. `password` says which password the reason is about, so the caller can name the setting.
 */
export class StoreError extends Error {
  readonly password: 'store' | 'key' | undefined

  constructor (reason: string, password?: 'store' | 'key') {
    super(reason)
    this.name = 'StoreError'
    this.password = password
  }
}
