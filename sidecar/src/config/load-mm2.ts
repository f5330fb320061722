// Reads an mm2.properties file: the only I/O of the MM2 config (with the files and environment its
// config providers read). Everything else is parseMm2Properties.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Mm2FailbackError } from '../errors.ts'
import type { Mm2Config } from '../core/mm2/model.ts'
import { parseMm2Properties, type Mm2ParseOptions } from './mm2-properties.ts'

/**
 * Loads the file at `path` as MirrorMaker 2 does (Properties.load(InputStream) decodes ISO-8859-1, so non-ASCII
 * text must use \uXXXX escapes), resolves its config-provider references (`${file:...}`, `${env:...}`,
 * `${dir:...}`) against this process's files and environment (or `options.configProviders`), and builds
 * the model. Errors are MM2_CONFIG_INVALID and name the file.
 */
export async function loadMm2Config (path: string, options: Omit<Mm2ParseOptions, 'source'> = {}): Promise<Mm2Config> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    const reason = code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR' ? 'it is a directory' : (error as Error).message
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `cannot read MirrorMaker 2 config ${path}: ${reason} (${code}).`, { file: path }, { cause: error })
  }
  const configProviders = options.configProviders ?? { readFile: (file: string) => readFileSync(file, 'utf8'), env: process.env }
  return parseMm2Properties(bytes.toString('latin1'), { ...options, configProviders, source: path })
}
