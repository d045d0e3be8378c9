// Workspace-relative paths as the host speaks them (forward slashes), for files of the folder
// the host serves; anything else (other folders, untitled, remote schemes) has no reservations.
import path from 'node:path';
import * as vscode from 'vscode';

export function relativePath(workspace: string | undefined, uri: vscode.Uri): string | undefined {
  if (!workspace || uri.scheme !== 'file') return undefined;
  const rel = path.relative(workspace, uri.fsPath);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const posix = rel.split(path.sep).join('/');
  // The host's own folder is never reserved.
  return posix === '.apiary' || posix.startsWith('.apiary/') || posix === '.git' || posix.startsWith('.git/') ? undefined : posix;
}
