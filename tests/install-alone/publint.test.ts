import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { libraryPackages } from '../workspace.js';

// Every published package passes publint (exports map, types first, files present) in strict mode.
describe('publint', () => {
  for (const pkg of libraryPackages().filter((p) => !p.private)) {
    it(`${pkg.name} is publint clean`, async () => {
      expect(existsSync(join(pkg.dir, 'dist')), `${pkg.name} must be built first`).toBe(true);
      const { messages, pkg: json } = await publint({
        pkgDir: pkg.dir,
        strict: true,
        level: 'suggestion',
      });
      const text = messages.map((m) => `${m.type}: ${formatMessage(m, json) ?? m.code}`);
      expect(text).toEqual([]);
    });
  }
});
