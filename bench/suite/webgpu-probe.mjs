// Run as a child process by bench/run.mjs (Dawn's handles could keep the suite's own process
// alive): says on one JSON line whether initBackend('webgpu') finds a hardware adapter here.
import { initBackend } from '@gen/core';

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

async function probe() {
  try {
    await initBackend('webgpu');
  } catch (error) {
    return { hardware: false, reason: `initBackend('webgpu') failed: ${error.message}` };
  }
  const adapter = await globalThis.navigator.gpu.requestAdapter();
  if (adapter === null) return { hardware: false, reason: 'requestAdapter() returned null' };
  const info = adapter.info ?? {};
  const name =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') ||
    'an unnamed adapter';
  const fallback =
    adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE.test(name);
  return fallback
    ? { hardware: false, adapter: name, reason: `only ${name}, a software fallback` }
    : { hardware: true, adapter: name };
}

console.log(JSON.stringify(await probe()));
process.exit(0);
