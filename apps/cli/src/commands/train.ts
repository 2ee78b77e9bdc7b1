import type { Command } from 'commander';
import { resolveDataName } from '../data/datasets.js';
import { EXIT, UsageError } from '../errors.js';
import { MODEL_NAMES } from '../models/family.js';
import { familyOf, modelsTaking, OPTION_FLAGS } from '../models/registry.js';
import {
  binarizeSetting,
  conditionalSetting,
  earlySettings,
  mergeSettings,
  resolveConfig,
} from '../run/config.js';
import { readConfigFile } from '../run/config-file.js';
import { checkOutDir } from '../run/run-dir.js';
import { StagedRun } from '../run/staged-run.js';
import { runTraining } from '../training/run-training.js';
import { buildModel, disposeData, loadFor, startBackend } from '../training/session.js';

interface TrainFlags {
  data?: string;
  config?: string;
  epochs?: string;
  steps?: string;
  batchSize?: string;
  lr?: string;
  seed?: string;
  backend?: string;
  loss?: string;
  arch?: string;
  limit?: string;
  checkpointEvery?: string;
  evalSamples?: string;
  binarize?: string;
  conditional?: boolean;
  out?: string;
  force?: boolean;
  json?: boolean;
}

/** Ends the process with `code` when it is not 0 (130 or 143 after a signal). */
export function exitWith(code: number): void {
  if (code !== EXIT.ok) process.exit(code);
}

/**
 * `gen train <model> --data … --out <dir>`: validates every flag, the config file and the data
 * before anything is written, then trains, evaluates and plots.
 */
async function train(modelArg: string | undefined, flags: TrainFlags): Promise<number> {
  const { config: configPath, out, force = false, json = false, ...rest } = flags;
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  const settings = mergeSettings(rest as Record<string, unknown>, file, configPath);
  const model = modelArg ?? (file.model as string | undefined);
  if (model === undefined)
    throw new UsageError(`<model>: required; one of ${MODEL_NAMES.join(', ')}`);
  const family = familyOf(String(model));
  if (settings.data === undefined)
    throw new UsageError('--data: required (a toy name, mnist, fashion-mnist or a .csv file)');
  const dataName = resolveDataName(String(settings.data.value));
  if (out === undefined) throw new UsageError('--out: required (the run directory to write)');
  const paths = checkOutDir(out, force);
  const early = earlySettings(settings);
  const binarize = binarizeSetting(settings, family, dataName);
  const conditional = conditionalSetting(settings, family, dataName);
  await startBackend(early.backend);
  const trainData = await loadFor(
    family,
    dataName,
    'train',
    early.limit,
    binarize !== 'static',
    conditional,
  );
  let config: ReturnType<typeof resolveConfig>;
  let built: ReturnType<typeof buildModel>;
  try {
    config = resolveConfig(settings, family, trainData.info);
    built = buildModel(config, trainData, '--config');
  } catch (error) {
    disposeData(trainData);
    throw error;
  }
  try {
    // Everything is valid: only now is anything written, beside --out until the first checkpoint.
    const staged = await StagedRun.create(paths, config);
    return await runTraining({
      config,
      paths,
      train: trainData,
      built,
      staged,
      resume: false,
      json,
    });
  } finally {
    built.dispose();
    disposeData(trainData);
  }
}

/** Registers `gen train`. */
export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description(
      'train a model on a data set and write a run directory (config, checkpoint, metrics, plots)',
    )
    .argument('[model]', `one of ${MODEL_NAMES.join(', ')}`)
    .option(
      '--data <name>',
      'ring8, grid25, moons, circles, swiss-roll, checkerboard, pinwheel, spirals, 8gaussians, mnist, fashion-mnist or a .csv file',
    )
    .option(
      '--config <file>',
      'JSON or YAML file with any of these settings (flags win) and model "options"',
    )
    .option('--steps <n>', 'total training steps (EM iterations for mixture)')
    .option('--epochs <n>', 'total passes over the data (instead of --steps)')
    .option('--batch-size <n>', 'rows per batch')
    .option('--lr <x>', 'learning rate (cosine decay to lr/20; constant for GANs)')
    .option('--seed <n>', 'seed of the weights, data order and evaluation (default 0)')
    .option('--backend <name>', 'auto, wasm, cpu or webgpu (auto: wasm in Node)')
    .option(
      '--loss <name>',
      'GAN objective: non-saturating, minimax, wasserstein, wasserstein-gp, hinge, least-squares, fgan:<divergence>',
    )
    .option('--arch <name>', 'mlp or conv (conv: images only, for vae, autoencoder, gan)')
    .option('--limit <n>', 'use at most n rows of the data (toys: draw n points)')
    .option('--checkpoint-every <n>', 'steps between checkpoints')
    .option('--eval-samples <n>', 'model samples drawn for MMD, sliced Wasserstein and plots')
    .option(
      '--binarize <mode>',
      'made, pixelcnn, vae on images: static (default: one fixed binarisation) or dynamic (a fresh Bernoulli draw of every batch)',
    )
    .option(
      '--conditional',
      `class-conditional model of p(x | class) on the one-hot labels of mnist / fashion-mnist (${MODEL_NAMES.filter((m) => familyOf(m).conditionalArchs.length > 0).join(', ')}); gen sample --class draws by class`,
    )
    .option('--out <dir>', 'run directory to create')
    .option(
      '--force',
      'replace the run in --out (only once the new run has written its first checkpoint)',
    )
    .option('--json', 'print one JSON document');
  // Model options, each listed with the models that take it (given to another: a usage error).
  for (const flag of OPTION_FLAGS) {
    command.option(flag.flags, `${flag.description} [${modelsTaking(flag.option).join(', ')}]`);
  }
  command.action(async (model: string | undefined, flags: TrainFlags) =>
    exitWith(await train(model, flags)),
  );
}
