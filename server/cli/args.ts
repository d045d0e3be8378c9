import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './output';

export interface Common {
  json: boolean;
  workspace: string;
  agent?: string;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const common: Options = {
  json: { type: 'boolean', default: false },
  workspace: { type: 'string', short: 'w' },
  agent: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

/** Parses a verb's arguments with the common flags every verb takes. */
export function parse(argv: string[], options: Options, allowPositionals = true): { values: Record<string, unknown>; positionals: string[]; common: Common } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...common, ...options }, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values as Record<string, unknown>;
  return {
    values: v,
    positionals: parsed.positionals,
    common: {
      json: v.json === true,
      workspace: typeof v.workspace === 'string' ? v.workspace : process.cwd(),
      agent: typeof v.agent === 'string' ? v.agent : undefined,
    },
  };
}

export function intOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} needs a whole number, got ${String(raw)}`);
  return n;
}
