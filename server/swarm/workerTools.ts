// The tools a worker's model may call, and running one call. File tools go through the
// confined WorkspaceFs; a refusal comes back as a tool result the model can act on.
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { ToolRefusal, WorkerInterrupt, type WorkspaceFs } from './workspaceFs';
import type { VerifyResult } from './verify';
import { trimFailure } from './verify';

const obj = (properties: Record<string, unknown>, required: string[]): Tool['input_schema'] => ({ type: 'object', properties, required });
const str = (description: string) => ({ type: 'string', description });

export const WORKER_TOOLS: Tool[] = [
  { name: 'read_file', description: 'Read a workspace file (path relative to the workspace root).', input_schema: obj({ path: str('relative path') }, ['path']) },
  { name: 'list_files', description: 'List a directory of the workspace ("." for the root).', input_schema: obj({ path: str('relative directory, default "."') }, []) },
  { name: 'search_text', description: 'Find lines containing an exact text in workspace files.', input_schema: obj({ query: str('exact text') }, ['query']) },
  {
    name: 'edit_file',
    description: 'Replace exactly one occurrence of old_text with new_text in one of your reserved files.',
    input_schema: obj({ path: str('relative path'), old_text: str('exact existing text, unique in the file'), new_text: str('replacement') }, ['path', 'old_text', 'new_text']),
  },
  { name: 'write_file', description: 'Write a whole file (one of your reserved files).', input_schema: obj({ path: str('relative path'), content: str('the whole new content') }, ['path', 'content']) },
  { name: 'run_verify', description: "Run the workspace's verification command and see whether it passes.", input_schema: obj({}, []) },
  { name: 'send_message', description: 'Send a message to another agent or to the human ("you").', input_schema: obj({ to: str('agent name'), subject: str('subject'), body: str('markdown body') }, ['to', 'subject']) },
  { name: 'ask_human', description: 'Ask the human a question when you cannot go on without an answer.', input_schema: obj({ question: str('the question') }, ['question']) },
];

export interface ToolHost {
  fs: WorkspaceFs;
  verify(): Promise<VerifyResult | null>;
  send(to: string, subject: string, body: string): Promise<string>;
  ask(question: string): Promise<string>;
  /** Files this worker wrote (workspace-relative). */
  touched: Set<string>;
}

export interface ToolOutcome {
  ok: boolean;
  text: string;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');

export async function runTool(name: string, rawInput: unknown, host: ToolHost): Promise<ToolOutcome> {
  const input = rawInput && typeof rawInput === 'object' ? (rawInput as Record<string, unknown>) : {};
  try {
    switch (name) {
      case 'read_file':
        return { ok: true, text: await host.fs.read(s(input.path)) };
      case 'list_files':
        return { ok: true, text: (await host.fs.list(s(input.path) || '.')).join('\n') || '(empty)' };
      case 'search_text': {
        const hits = await host.fs.search(s(input.query));
        return { ok: true, text: hits.join('\n') || 'no matches' };
      }
      case 'edit_file': {
        const rel = await host.fs.edit(s(input.path), s(input.old_text), s(input.new_text));
        host.touched.add(rel);
        return { ok: true, text: `edited ${rel}` };
      }
      case 'write_file': {
        const rel = await host.fs.write(s(input.path), s(input.content));
        host.touched.add(rel);
        return { ok: true, text: `wrote ${rel}` };
      }
      case 'run_verify': {
        const r = await host.verify();
        if (!r) return { ok: true, text: 'no verification command is configured or detected; the gate will accept on your summary' };
        return { ok: true, text: r.passed ? `verification passed (${r.ms} ms)` : `verification failed (exit ${r.exitCode}):\n${trimFailure(r.output)}` };
      }
      case 'send_message':
        return { ok: true, text: await host.send(s(input.to) || 'you', s(input.subject) || '(no subject)', s(input.body)) };
      case 'ask_human':
        if (!s(input.question)) throw new ToolRefusal('question is required');
        return { ok: true, text: await host.ask(s(input.question)) };
      default:
        return { ok: false, text: `unknown tool ${name}; the tools are ${WORKER_TOOLS.map((t) => t.name).join(', ')}` };
    }
  } catch (err) {
    if (err instanceof WorkerInterrupt) throw err;
    if (err instanceof ToolRefusal) return { ok: false, text: err.message };
    return { ok: false, text: `tool ${name} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
