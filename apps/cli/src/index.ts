import { Command, CommanderError } from 'commander';
import { registerDivergence } from './commands/divergence.js';
import { registerEstimators } from './commands/estimators.js';
import { registerEval } from './commands/eval.js';
import { registerFgan } from './commands/fgan.js';
import { registerInfo } from './commands/info.js';
import { registerResume } from './commands/resume.js';
import { registerSample } from './commands/sample.js';
import { registerTrain } from './commands/train.js';
import { EXIT, UsageError } from './errors.js';

/**
 * Builds the `gen` program. Each command lives in `src/commands/<name>.ts` and registers itself
 * through a `register<Name>(program)` function.
 */
export function buildProgram(): Command {
  const program = new Command('gen')
    .description('@gen: deep generative modelling on TensorFlow.js')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
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
    if (error instanceof CommanderError) {
      // --help and --version exit 0; unknown commands, flags and missing arguments exit 2.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`gen: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`gen: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failure;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
