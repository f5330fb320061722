// What every command receives: where to print, and where to leave its exit code.

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  isTty: () => boolean
}

export interface CliContext {
  io: CliIo
  /** A handler sets this when it ends with something other than success. */
  exitCode: number
}
