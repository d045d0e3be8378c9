// Read-only documents holding a proposal's content, for the diff editor:
//   apiary-proposal:/<approval id>/<workspace-relative path>      the proposed content
//   apiary-proposal:/<approval id>/<path>?side=before             empty (a file the change creates)
import * as vscode from 'vscode';
import type { ApprovalsModel } from './model';

export const PROPOSAL_SCHEME = 'apiary-proposal';

export function proposalUri(id: string, file: string, before = false): vscode.Uri {
  return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${id}/${file}`, ...(before ? { query: 'side=before' } : {}) });
}

/** The approval id and file of a proposal URI. */
export function parseProposalUri(uri: vscode.Uri): { id: string; file: string } | undefined {
  if (uri.scheme !== PROPOSAL_SCHEME) return undefined;
  const m = /^\/([^/]+)\/(.+)$/.exec(uri.path);
  return m ? { id: m[1]!, file: m[2]! } : undefined;
}

export class ProposalDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly model: ApprovalsModel) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const p = parseProposalUri(uri);
    if (!p || uri.query === 'side=before') return '';
    return this.model.find(p.id)?.details.changes?.[p.file] ?? '';
  }
}
