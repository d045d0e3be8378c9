// The CLI's usage text, and each verb's part of it (`apiary <verb> --help`).

export const USAGE = `apiary — the Apiary agent host and its command line

Usage: apiary <verb> [options]     (every verb takes --json and --workspace DIR)

  serve [--log-level L]            run the agent host for the workspace in the foreground
  status                           is a host running, and what does it hold
  mcp [--tools core|full]          MCP server on stdin/stdout (a bridge to the workspace's host, started on demand)
  mcp-token [--rotate]             print the token MCP clients send to the host's HTTP endpoint; --rotate replaces it
  events [--from N] [--to N] [--limit N] [--stream S]
                                   print events from the log
  events verify                    recompute the log's hash chain: prove nothing was altered or removed
  events append --stream S --type T [--data JSON] [--id ID] [--expected V]
                                   append one event to a stream of your own
  replay --to N | --at TIME [--sql QUERY]
                                   fold the read models up to a position or time
  llm ask "<prompt>" [--tier small|medium|large] [--cell ID] [--max-tokens N] [--system S] [--failover]
                                   one model call through the host's gateway: budget-checked, cost-tracked
  cost                             model spend: today / 7 / 30 days, by model, agent and epic, budgets, cache, breakers
  cost budget [--day USD] [--month USD] [--cell USD] [--run USD]
                                   show or set budget caps ("off" removes one)
  agent register --name N [--kind K] [--program P] | agent list | agent heartbeat
                                   agents sharing the workspace (verbs act as --agent NAME, $APIARY_AGENT, or "you")
  lock reserve PATTERN... [--shared] [--ttl SECONDS] [--reason R] [--cell ID]
                                   reserve files (paths or globs; !GLOB excludes) before editing them
  lock renew [PATTERN...] [--ttl SECONDS] | lock release [PATTERN...|--all]
  lock list [--mine|--holder A] [--path P] | lock check PATH...
  lock force-release ID [--reason R] | lock override PATH [--reason R]
  lock guard --stdin [--bypass]    the pre-commit check (NUL-separated staged paths on stdin)
  lock install-hook [--force]      install the git pre-commit guard
  mail send --to A[,B]|--broadcast --subject S [--body B|--body-file F] [--thread T] [--reply-to ID]
            [--importance low|normal|high|urgent] [--ack-required]
  mail inbox [--peek] [--unread] [--all] | mail read ID | mail ack ID | mail thread ID
  approval list [--all] | approval approve ID [--reason R] | approval reject ID [--reason R]
                                   requests waiting for a human (approve/reject as --agent, default "you")
  approval request --kind change|command|budget|merge|question --summary S [--confidence C]
           [--timeout SECONDS] [--change PATH=FILE]... [--command CMD] [--cost USD] [--cell ID] [--wait]
  approval trust [AGENT] [--reset] each agent's trust (low trust: risky requests always ask)
  hive create --title T [--description D] [--type T] [--priority 0-4] [--parent ID] [--files a,b] [--label L]
              [--depends-on ID] [--subtask TITLE ...]   (subtasks make it an epic, created in one step)
  hive ready [--limit N] | hive list [--status S] [--assignee A] [--type T] [--label L] [--text X] | hive show ID
  hive update ID [--title T] [--status open|in_progress|blocked] [--priority N] [--add-label L] ... [--force]
  hive claim|start|heartbeat ID [--ttl SECONDS] | hive release ID
  hive close ID [--reason R] [--force] | hive reopen ID | hive delete ID [--reason R]
  hive dep add|remove ID DEPENDS_ON [--type blocks|parent-child|related|discovered-from]
  hive comment ID TEXT | hive problems
  hive sync [--message M] [--remote R] [--no-pull] [--no-push]
                                   commit .hive/ with git and, with a remote, pull (merging the hive file) and push
  hive import|export [--beads] [--path FILE]
  hive merge-driver %O %A %B | hive install-merge-driver
                                   git merge driver for .hive/issues.jsonl, and its .gitattributes/config entry
  swarm run "<task>" [--best-of N] [--budget USD] [--concurrency N] [--tier T] [--chaos] [--wait] [--cell ID]
                                   decompose a task into an epic and run parallel workers through the verification gate
  swarm status [RUN] | swarm stop RUN [--worker NAME] | swarm explain RUN|CELL | swarm transcript CELL
  memory store "<text>" [--tags a,b] [--confidence C] [--cell ID] | memory find "<query>" [--limit N] [--tags a,b]
  memory validate ID | memory forget ID [--reason R] | memory export | memory import
                                   shared memory (export/import: .hive/memories.jsonl, shared through git)
  bench [store]                    run benchmarks (from a source checkout)

Exit codes: 0 success, 1 refused (conflict, invalid input, …), 2 usage error.`;

/**
 * The lines of USAGE about one verb, under the line every verb shares; null for a verb it does not
 * describe. An entry is a line that starts two spaces in with the verb's name, with the lines
 * indented deeper under it.
 */
export function verbUsage(verb: string): string | null {
  const lines = USAGE.split('\n');
  const picked: string[] = [];
  let inEntry = false;
  for (const line of lines) {
    if (/^  \S/.test(line)) inEntry = line.slice(2).split(/[\s|]/, 1)[0] === verb;
    else if (!/^   /.test(line)) inEntry = false;
    if (inEntry) picked.push(line);
  }
  if (picked.length === 0) return null;
  return [`Usage: apiary ${verb} [options]     (every verb takes --json and --workspace DIR)`, '', ...picked].join('\n');
}
