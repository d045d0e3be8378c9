// Failure signatures from real tool output: the TypeScript compiler and mocha are run on tiny
// broken inputs in a temporary folder, and their actual output is fed to the extractor.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FailureBase } from '../../../server/learning/failureBase';
import { extractSignatures } from '../../../server/learning/signatures';
import { outcome } from './helpers';

const root = path.resolve(__dirname, '../../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 60_000 }, (_err, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
  });
}

describe('failure signatures from real verification output', function () {
  this.timeout(90_000);
  let dir: string;
  let tscOutput: string;
  let mochaOutput: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-sig-'));
    fs.writeFileSync(path.join(dir, 'broken.ts'), "import { nothing } from './missing-module';\nexport function add(a: number, b: number): number { return a + b; }\nadd('1', 2);\nconst n: number = 'x';\n");
    fs.writeFileSync(path.join(dir, 'math.spec.js'), "const assert = require('node:assert');\ndescribe('math', () => {\n  it('adds numbers', () => { assert.strictEqual(1 + 1, 3); });\n  it('waits too long', function (done) { this.timeout(50); setTimeout(done, 500); });\n});\n");
    [tscOutput, mochaOutput] = await Promise.all([
      run(bin('tsc'), ['--noEmit', '--strict', '--pretty', 'false', 'broken.ts'], dir),
      run(bin('mocha'), ['math.spec.js'], dir),
    ]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the TypeScript error codes without paths or quoted values', () => {
    const sigs = extractSignatures(tscOutput).map((s) => s.signature);
    assert.ok(sigs.includes('TS2307: Cannot find module … or its corresponding type declarations.'), `${sigs.join('\n')}\n---\n${tscOutput}`);
    assert.ok(sigs.some((s) => s.startsWith('TS2345: Argument of type … is not assignable to parameter of type …')), sigs.join('\n'));
    assert.ok(sigs.some((s) => s.startsWith('TS2322: Type … is not assignable to type …')), sigs.join('\n'));
  });

  it('names the failing mocha tests, the assertion and the timeout', () => {
    const sigs = extractSignatures(mochaOutput).map((s) => s.signature);
    assert.ok(sigs.includes('failing test: math adds numbers') && sigs.includes('failing test: math waits too long'), `${sigs.join('\n')}\n---\n${mochaOutput}`);
    assert.ok(sigs.some((s) => s.startsWith('AssertionError: Expected values to be strictly equal')), sigs.join('\n'));
    assert.ok(sigs.some((s) => s.startsWith('timeout: Timeout of Nms exceeded')), sigs.join('\n'));
  });

  it('recognises missing modules, esbuild errors, node:test failures and Python tracebacks', () => {
    const out = [
      "Error: Cannot find module 'left-pad'",
      '✘ [ERROR] Could not resolve "./util"',
      'not ok 2 - parses dates',
      'Traceback (most recent call last):',
      '  File "app.py", line 3, in <module>',
      "ValueError: invalid literal for int() with base 10: 'x'",
    ].join('\n');
    assert.deepEqual(
      extractSignatures(out).map((s) => [s.family, s.signature]),
      [
        ['module', 'missing module left-pad'],
        ['esbuild', 'esbuild: Could not resolve …'],
        ['node-test', 'failing test: parses dates'],
        ['python', 'ValueError: invalid literal for int() with base N: …'],
      ],
    );
  });

  it('remembers what fixed a failure and tells the next retry', () => {
    const kb = new FailureBase();
    kb.observe(outcome({ cell: 'hv-1', success: false, verificationOutput: tscOutput }));
    kb.observe(outcome({ cell: 'hv-1', success: true, patterns: ['install the missing package and export its types'] }));
    const lines = kb.relevantFailures(tscOutput);
    assert.ok(lines.length >= 3);
    assert.match(lines.find((l) => l.includes('TS2307'))!, /^KNOWN FAILURE \(1x\): TS2307: .* What fixed it before: install the missing package and export its types\.$/);
    assert.deepEqual(kb.relevantFailures('all good'), []);
  });
});
