// Spec output for people, plus a stats file that test/run.mjs adds up into one closing line.
const Mocha = require('mocha');
const fs = require('node:fs');
class SpecWithStats extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const out = process.env.APIARY_TEST_STATS;
      if (out) fs.writeFileSync(out, JSON.stringify(runner.stats));
    });
  }
}
module.exports = SpecWithStats;
