const USAGE = `usage: node bench/run.mjs [--quick] [--only id,id,...] [--no-cpu] [--threads n]
  --quick    about 2 minutes: fewer rounds, no cpu backend, no Sinkhorn at ε = 0.01
  --only     run only these rows (ids: %IDS%)
  --no-cpu   skip the cpu backend in a full run
  --threads  wasm threads (initBackend('wasm', { threads })); default 1, Node's default`;

/** The suite's options from argv; refuses unknown flags and unknown row ids. */
export function parseArgs(argv, ids) {
  const options = { quick: false, only: undefined, cpu: true, threads: 1 };
  const usage = USAGE.replace('%IDS%', ids.join(', '));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // pnpm and turbo may pass the separator on.
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') return { help: usage };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-cpu') options.cpu = false;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      const wanted = (value ?? '').split(',').filter(Boolean);
      const unknown = wanted.filter((id) => !ids.includes(id));
      if (wanted.length === 0 || unknown.length > 0) {
        throw new Error(`--only: unknown row id(s) '${unknown.join(',')}'\n${usage}`);
      }
      options.only = wanted;
    } else if (arg === '--threads' || arg.startsWith('--threads=')) {
      const value = arg === '--threads' ? argv[++i] : arg.slice('--threads='.length);
      const threads = Number(value);
      if (!Number.isInteger(threads) || threads < 1) {
        throw new Error(`--threads: '${value}' is not a positive integer\n${usage}`);
      }
      options.threads = threads;
    } else throw new Error(`unknown argument '${arg}'\n${usage}`);
  }
  return options;
}
