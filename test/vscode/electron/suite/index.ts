// Runs inside the desktop VS Code extension host (@vscode/test-electron's extensionTestsPath).
// Mocha comes from the checkout (not bundled) and reports with the project's stats reporter.
import type MochaType from 'mocha';

export function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require(process.env.APIARY_MOCHA_PATH ?? 'mocha') as typeof MochaType;
  const reporter = process.env.APIARY_REPORTER_PATH ?? 'spec';
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 90_000, reporter });
  // Define describe/it on the global object, then load the bundled specs.
  mocha.suite.emit('pre-require', globalThis, 'suite.js', mocha);
  require('./activation.spec');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
