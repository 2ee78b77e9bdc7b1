import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { printJson, printTable } from '../output.js';

const require = createRequire(import.meta.url);

function versionOf(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

const BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;

/** `gen info`: backends that initialise here, versions and threads. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the backends available here, package versions and threads')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const backends: Record<string, string> = {};
      for (const name of BACKENDS) {
        try {
          await initBackend(name);
          backends[name] = 'ok';
        } catch (error) {
          backends[name] = `unavailable: ${(error as Error).message.split('\n')[0]}`;
        }
      }
      const packages = [
        '@gen/core',
        '@gen/nn',
        '@gen/distributions',
        '@gen/divergences',
        '@gen/estimators',
        '@gen/data',
        '@gen/train',
        '@gen/mixture',
        '@gen/autoregressive',
        '@gen/flows',
        '@gen/vae',
        '@gen/gan',
        '@tensorflow/tfjs-core',
      ];
      const versions = Object.fromEntries(packages.map((p) => [p, versionOf(p)]));
      const report = {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        threads: availableParallelism(),
        tfjs: tf.version_core,
        backends,
        versions,
      };
      if (opts.json) return printJson(report);
      printTable(['backend', 'status'], Object.entries(backends));
      process.stdout.write(
        `\nnode ${report.node} (${report.platform}), ${report.threads} threads\n\n`,
      );
      printTable(
        ['package', 'version'],
        Object.entries(versions).map(([k, v]) => [k, v ?? '-']),
      );
    });
}
