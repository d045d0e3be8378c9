// `apiary`: the command line. One file per group of verbs under cli/verbs; this file only routes.
import { events, replay } from './cli/verbs/events';
import { relay, serve, status } from './cli/verbs/host';
import { bench } from './cli/verbs/bench';
import { cost, llm } from './cli/verbs/llm';
import { mcp, mcpToken } from './cli/verbs/mcp';
import { agent } from './cli/verbs/agent';
import { lock } from './cli/verbs/lock';
import { mail } from './cli/verbs/mail';
import { hive } from './cli/verbs/hive';
import { approval } from './cli/verbs/approval';
import { memory } from './cli/verbs/memory';
import { swarm } from './cli/verbs/swarm';
import { EXIT_USAGE, printError } from './cli/output';
import { USAGE, verbUsage } from './cli/usage';

type Verb = (argv: string[]) => Promise<number | 'running'> | number | 'running';

const verbs: Record<string, Verb> = { serve, relay, status, events, replay, bench, mcp, 'mcp-token': mcpToken, llm, cost, agent, lock, mail, approval, memory, hive, swarm };

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE + '\n');
    process.exitCode = name ? 0 : EXIT_USAGE;
    return;
  }
  if (name === '--version' || name === 'version') {
    const { VERSION } = await import('./host/version');
    process.stdout.write(VERSION + '\n');
    return;
  }
  const verb = verbs[name];
  if (!verb) {
    process.exitCode = printError(new (await import('./cli/output')).UsageError(`unknown verb ${name}`), json);
    return;
  }
  // `apiary events --help` prints the verb's usage: it must not run the verb (which could start a
  // host on the current folder).
  const flags = rest.indexOf('--') === -1 ? rest : rest.slice(0, rest.indexOf('--'));
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write((verbUsage(name) ?? USAGE) + '\n');
    return;
  }
  try {
    const code = await verb(rest);
    if (code !== 'running') process.exitCode = code;
  } catch (err) {
    process.exitCode = printError(err, json);
  }
}

void main(process.argv.slice(2));
