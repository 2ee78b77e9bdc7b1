import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerDivergence } from './commands/divergence.js';
import { registerEstimators } from './commands/estimators.js';
import { registerEval } from './commands/eval.js';
import { registerFgan } from './commands/fgan.js';
import { registerInfo } from './commands/info.js';
import { registerResume } from './commands/resume.js';
import { registerSample } from './commands/sample.js';
import { registerTrain } from './commands/train.js';
import { EXIT } from './errors.js';
import { exitFor } from './exit-error.js';

// Read when the program starts, so `gen --version` is whatever `changeset version` wrote (from
// src/ in tests and from dist/ once built, package.json is one folder up).
const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

/**
 * Builds the `gen` program. Each command lives in `src/commands/<name>.ts` and registers itself
 * through a `register<Name>(program)` function.
 */
export function buildProgram(): Command {
  const program = new Command('gen')
    .description('@gen: deep generative modelling on TensorFlow.js')
    .version(version)
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 internal failure (or NaN results), 2 usage, format or I/O error\n' +
        '(the message names the flag or file), 130 training stopped by SIGINT, 143 by SIGTERM.',
    );
  registerTrain(program);
  registerSample(program);
  registerEval(program);
  registerResume(program);
  registerInfo(program);
  registerDivergence(program);
  registerEstimators(program);
  registerFgan(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    const { code, message } = exitFor(error);
    if (message !== undefined) process.stderr.write(`gen: ${message}\n`);
    return code;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
