// Text → index terms: lower-case words, stop words dropped, Porter stems, then each stem mapped
// to its synonym group's canonical term, so "slow" and "latency", "crash" and "fails" meet.
import { stem } from './stemmer';

const STOP = new Set(
  ('a an and are as at be been but by can could do does did for from had has have how i if in into is it its ' +
    'just me more most my no not of on once only or our out over own same should so some such than that the their ' +
    'them then there these they this those through to too under until up very was we were what when where which ' +
    'while who whom why will with would you your yours about after again all also am any because before being ' +
    'below between both down during each few further here off other s t don now use used using make makes made get gets').split(' '),
);

/**
 * Words that mean the same thing in a code base's notes, grouped; the first word names the group.
 * General developer vocabulary — not tuned to any test set.
 */
export const SYNONYM_GROUPS: string[][] = [
  ['test', 'spec', 'specs', 'unittest', 'testing'],
  ['fail', 'failure', 'failing', 'break', 'broken', 'crash', 'crashes', 'flaky', 'flake', 'unreliable', 'intermittent', 'intermittently'],
  ['error', 'exception', 'throw', 'throws', 'panic'],
  ['slow', 'latency', 'sluggish', 'lag', 'performance', 'perf', 'load', 'k6', 'benchmark'],
  ['fast', 'quick', 'speed', 'speedy'],
  ['delete', 'remove', 'erase', 'drop', 'purge'],
  ['create', 'add', 'new', 'insert'],
  ['start', 'launch', 'boot', 'spawn', 'begin'],
  ['stop', 'halt', 'kill', 'terminate', 'shutdown'],
  ['config', 'configuration', 'settings', 'setting', 'options', 'preferences'],
  ['dependency', 'dependencies', 'package', 'packages', 'library', 'libraries', 'module', 'modules', 'deps'],
  ['install', 'setup'],
  ['database', 'db', 'sqlite', 'sql'],
  ['function', 'method', 'func', 'helper'],
  ['bug', 'defect', 'issue', 'problem', 'glitch'],
  ['fix', 'repair', 'patch', 'resolve', 'workaround'],
  ['build', 'compile', 'bundle', 'bundler', 'compiler'],
  ['deploy', 'release', 'ship', 'publish'],
  ['auth', 'authentication', 'login', 'signin', 'credential', 'credentials'],
  ['token', 'key', 'secret', 'apikey'],
  ['timeout', 'hang', 'hangs', 'stuck', 'freeze', 'deadline'],
  ['doc', 'docs', 'documentation', 'readme', 'guide', 'openapi', 'swagger'],
  ['log', 'logs', 'logging', 'trace', 'tracing'],
  ['memory', 'ram', 'heap'],
  ['leak', 'leaks', 'bloat'],
  ['file', 'files', 'path', 'paths'],
  ['folder', 'directory', 'dir'],
  ['user', 'users', 'customer', 'account'],
  ['request', 'call', 'http', 'fetch', 'api', 'endpoint', 'endpoints'],
  ['cache', 'caching', 'memoize'],
  ['run', 'execute', 'invoke'],
  ['check', 'verify', 'validate', 'validation', 'assert', 'genuine', 'authentic'],
  ['rename', 'move'],
  ['lock', 'mutex', 'reservation', 'reserve'],
  ['style', 'lint', 'linter', 'format', 'formatting', 'prettier', 'eslint'],
  ['type', 'types', 'typing', 'typescript', 'tsc'],
  ['windows', 'win32'],
  ['mac', 'macos', 'darwin', 'osx'],
  ['linux', 'ubuntu', 'debian'],
  ['async', 'await', 'promise', 'promises', 'asynchronous'],
  ['commit', 'git', 'repository', 'repo'],
  ['branch', 'branches'],
  ['merge', 'rebase'],
  ['port', 'socket', 'listen'],
  ['env', 'environment', 'variable', 'variables'],
  ['image', 'picture', 'screenshot'],
  ['big', 'large', 'huge'],
  ['small', 'tiny', 'little'],
  ['old', 'stale', 'outdated', 'legacy', 'deprecated'],
  ['upgrade', 'update', 'bump'],
  ['never', 'avoid', 'dont'],
  ['edit', 'change', 'modify', 'alter', 'tweak'],
  ['retry', 'retries', 'repeat', 'again', 'attempt', 'attempts'],
  ['date', 'dates', 'timestamp', 'timestamps', 'timezone', 'utc', 'clock'],
  ['flag', 'flags', 'toggle', 'toggles'],
  ['restart', 'reboot', 'restarts', 'reboots'],
  ['session', 'sessions', 'logout', 'logged'],
  ['translation', 'translations', 'locale', 'locales', 'language', 'i18n', 'localization'],
  ['job', 'jobs', 'queue', 'queues', 'task', 'tasks', 'worker', 'workers', 'cron'],
  ['pdf', 'document', 'documents'],
  ['page', 'pages', 'site', 'website', 'web'],
  ['webhook', 'webhooks', 'callback', 'callbacks'],
  ['money', 'currency', 'amount', 'amounts', 'cents'],
  ['delay', 'debounce', 'debounced', 'wait', 'waiting', 'throttle', 'throttling'],
  ['analytics', 'tracking', 'tracker', 'telemetry'],
  ['component', 'widget', 'button', 'control'],
  ['ui', 'interface', 'frontend', 'screen'],
  ['staging', 'preview', 'preprod'],
  ['generate', 'generated', 'codegen', 'regenerate', 'gen'],
  ['must', 'always', 'require', 'required', 'need', 'needs'],
];

const CANON = new Map<string, string>();
for (const group of SYNONYM_GROUPS) {
  const head = stem(group[0]!);
  for (const w of group) {
    const s = stem(w);
    if (!CANON.has(s)) CANON.set(s, head);
  }
}

const WORD = /[a-z0-9]+(?:[._-][a-z0-9]+)*/g;

/** Raw words, lower-case; dotted/dashed identifiers are kept whole and also split. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const w = m[0];
    if (/[._-]/.test(w)) {
      for (const part of w.split(/[._-]/)) if (part) out.push(part);
    } else out.push(w);
  }
  return out;
}

/** Index terms of a text: stems of non-stop words, canonicalised through the synonym table. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOP.has(w) || w.length < 2) continue;
    const s = stem(w);
    out.push(CANON.get(s) ?? s);
  }
  return out;
}
