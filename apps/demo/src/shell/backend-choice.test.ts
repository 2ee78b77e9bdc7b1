import { describe, expect, it } from 'vitest';
import {
  candidateOrder,
  chooseBackend,
  type DemoBackendName,
  fallbackNote,
  parseBackendParam,
  UnknownBackendError,
} from './backend-choice.js';

describe('parseBackendParam', () => {
  it('reads auto, names, and rejects unknown values by name', () => {
    expect(parseBackendParam(null)).toBe('auto');
    expect(parseBackendParam('')).toBe('auto');
    expect(parseBackendParam('wasm')).toBe('wasm');
    expect(() => parseBackendParam('tpu')).toThrow(UnknownBackendError);
    expect(() => parseBackendParam('tpu')).toThrow(/'tpu'/);
  });
});

describe('chooseBackend', () => {
  it('orders the request first, then webgpu → webgl → wasm → cpu', () => {
    expect(candidateOrder('auto')).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(candidateOrder('wasm')).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
  });

  it('falls back and says which backend was used instead', async () => {
    const broken = new Set<DemoBackendName>(['webgpu', 'webgl']);
    const tried: string[] = [];
    const choice = await chooseBackend('webgl', async (name) => {
      tried.push(name);
      if (broken.has(name)) throw new Error(`${name} has no adapter`);
    });
    expect(tried).toEqual(['webgl', 'webgpu', 'wasm']);
    expect(choice.active).toBe('wasm');
    expect(choice.failures).toEqual([
      'webgl: webgl has no adapter',
      'webgpu: webgpu has no adapter',
    ]);
    expect(fallbackNote(choice)).toBe('webgl is not available here; using wasm instead.');
  });

  it("explains what 'auto' passed over", () => {
    const software = {
      requested: 'auto' as const,
      active: 'wasm' as const,
      failures: [],
      skipped: [
        { name: 'webgpu', reason: 'the only WebGPU adapter is a software fallback (google)' },
        { name: 'webgl', reason: 'WebGL renders in software (ANGLE (SwiftShader))' },
      ],
    };
    expect(fallbackNote(software)).toBe(
      'auto chose wasm: webgpu and webgl would run in software on this machine (no usable GPU), far slower than wasm. Pick one in the menu to try it anyway.',
    );
    expect(
      fallbackNote({ ...software, skipped: [{ name: 'webgpu', reason: 'device lost' }] }),
    ).toBe('auto chose wasm: webgpu (device lost).');
    expect(fallbackNote({ ...software, skipped: [] })).toBe('');
  });

  it('has no note when the request is met, and throws when nothing starts', async () => {
    const ok = await chooseBackend('cpu', async () => {});
    expect(fallbackNote(ok)).toBe('');
    await expect(
      chooseBackend('auto', async () => {
        throw new Error('nope');
      }),
    ).rejects.toThrow(/webgpu: nope; webgl: nope; wasm: nope; cpu: nope/);
  });
});
