// Runs with plain `node` in a scratch project where @gen/core, @gen/nn and @gen/distributions
// are installed twice: under their own names and again under the aliases gen-core-copy,
// gen-nn-copy and gen-distributions-copy (each a second module instance with its own classes,
// as after installing two versions side by side). Objects and errors made by one copy must work
// with the functions of the other. Prints one line per check; exits 1 if any check fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@gen/core';
import * as dist from '@gen/distributions';
import { divergence, slicedWasserstein } from '@gen/divergences';
import { gradientStats, measureValued, pathwise, scoreFunction } from '@gen/estimators';
import { Gan } from '@gen/gan';
import * as nn from '@gen/nn';
import { loadWeightsInto, saveWeights } from '@gen/nn/node';
import * as tf from '@tensorflow/tfjs-core';
import * as coreCopy from 'gen-core-copy';
import * as distCopy from 'gen-distributions-copy';
import * as nnCopy from 'gen-nn-copy';

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}
async function thrown(f) {
  try {
    await f();
  } catch (error) {
    return error;
  }
  return undefined;
}
async function same(a, b) {
  const [x, y] = [await a.data(), await b.data()];
  return x.length > 0 && x.length === y.length && x.every((v, i) => v === y[i]);
}

await core.initBackend('wasm');

// The aliases really are second copies: other class objects, so instanceof fails across them.
const rngOfCopy = () => coreCopy.Rng.fromSeed(7);
check(
  coreCopy.Rng !== core.Rng &&
    nnCopy.Module !== nn.Module &&
    distCopy.Independent !== dist.Independent &&
    !(rngOfCopy() instanceof core.Rng),
  'each alias is a second copy (instanceof fails across copies)',
);

// Rng: brand-checked by every function that draws.
check(
  core.isRng(rngOfCopy()) && coreCopy.isRng(core.Rng.fromSeed(1)),
  'isRng recognises an Rng of either copy',
);
const p = new dist.Normal({ loc: 0, scale: 1 });
const q = new dist.Normal({ loc: 1, scale: 2 });
const jsCopy = divergence('js', p, q, { method: 'monte-carlo', samples: 2000, rng: rngOfCopy() });
const jsOwn = divergence('js', p, q, {
  method: 'monte-carlo',
  samples: 2000,
  rng: core.Rng.fromSeed(7),
});
check(await same(jsCopy, jsOwn), "divergence('js', …) draws from the copy's Rng as from its own");
const x = core.Rng.fromSeed(1).normal([64, 2]);
const y = core.Rng.fromSeed(2).normal([64, 2], 1);
const swCopy = slicedWasserstein(x, y, { projections: 16, rng: rngOfCopy() });
const swOwn = slicedWasserstein(x, y, { projections: 16, rng: core.Rng.fromSeed(7) });
check(await same(swCopy, swOwn), "slicedWasserstein projects with the copy's Rng");

const cost = (s) => tf.square(tf.sub(s, 3));
const surrogateCopy = pathwise().surrogate(p, cost, { samples: 64, rng: rngOfCopy() });
const surrogateOwn = pathwise().surrogate(p, cost, { samples: 64, rng: core.Rng.fromSeed(7) });
check(
  await same(surrogateCopy.value, surrogateOwn.value),
  "pathwise().surrogate draws from the copy's Rng",
);
const statsCopy = gradientStats(scoreFunction(), p, cost, {
  samples: 8,
  repeats: 4,
  rng: rngOfCopy(),
});
const statsOwn = gradientStats(scoreFunction(), p, cost, {
  samples: 8,
  repeats: 4,
  rng: core.Rng.fromSeed(7),
});
check(
  statsCopy.loc.mean.length === 1 &&
    Number.isFinite(statsCopy.loc.mean[0]) &&
    statsCopy.loc.mean[0] === statsOwn.loc.mean[0],
  "gradientStats repeats with the copy's Rng",
);
const wrapped = new dist.Independent(new dist.Normal({ loc: [0, 1], scale: [1, 2] }), 1);
const mv = measureValued().surrogate(wrapped, (s) => tf.sum(s, -1), {
  samples: 16,
  rng: rngOfCopy(),
});
check(mv.value.shape.length === 0, "measureValued takes the copy's Rng through Independent");

// Independent: recognised by its brand across copies of @gen/distributions.
const copyIndependent = new distCopy.Independent(
  new distCopy.Normal({ loc: [0, 1], scale: [1, 2] }),
  1,
);
check(
  dist.isIndependent(copyIndependent) &&
    distCopy.isIndependent(wrapped) &&
    !(copyIndependent instanceof dist.Independent) &&
    !dist.isIndependent(p),
  'isIndependent recognises an Independent of either copy, and nothing else',
);
const viaCopy = pathwise().surrogate(copyIndependent, (s) => tf.sum(s, -1), {
  samples: 16,
  rng: rngOfCopy(),
});
check(viaCopy.value.shape.length === 0, 'estimators take a distribution of the copy');

// Class-keyed registries: the KL pairs and the weak-derivative table match families by brand.
const copyP = new distCopy.Normal({ loc: [0, 1.5], scale: [1, 0.5] });
const copyQ = new distCopy.Normal({ loc: 1, scale: 2 });
const klNormal = (m1, s1, m2, s2) =>
  Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
const expectedKl = [klNormal(0, 1, 1, 2), klNormal(1.5, 0.5, 1, 2)];
const klAcross = await dist.kl(copyP, copyQ).data();
check(
  !(copyP instanceof dist.Normal) &&
    klAcross.length === 2 &&
    klAcross.every((v, i) => Math.abs(v - expectedKl[i]) < 1e-5),
  `kl() of the original takes Normals of the copy: [${Array.from(klAcross)}] vs the closed form [${expectedKl}]`,
);
const mixedKl = await distCopy.kl(p, copyQ).data();
check(
  Math.abs(mixedKl[0] - klNormal(0, 1, 1, 2)) < 1e-5,
  "the copy's kl() takes a Normal of the original beside one of its own",
);
const mvGradient = (Family) => {
  const loc = tf.scalar(0.5);
  const [g] = tf.grads(
    (l) =>
      measureValued().surrogate(new Family({ loc: l, scale: 1 }), cost, {
        samples: 64,
        rng: core.Rng.fromSeed(3),
      }).loss,
  )([loc]);
  const value = g.dataSync()[0];
  tf.dispose([g, loc]);
  return value;
};
const mvCopy = mvGradient(distCopy.Normal);
check(
  Number.isFinite(mvCopy) && mvCopy !== 0 && mvCopy === mvGradient(dist.Normal),
  `measureValued differentiates a Normal of the copy as one of its own (d/dloc ${mvCopy})`,
);

// Modules: networks built with the copy of @gen/nn (and the copy's Rng) drive a Gan.
const generator = new nnCopy.Mlp({
  inputSize: 2,
  hiddenSizes: [8],
  outputSize: 2,
  rng: rngOfCopy(),
});
const discriminator = new nn.Mlp({
  inputSize: 2,
  hiddenSizes: [8],
  outputSize: 1,
  rng: rngOfCopy(),
});
check(
  nn.isModule(generator) && nnCopy.isModule(discriminator) && !(generator instanceof nn.Module),
  'isModule recognises a Module of either copy',
);
const gan = new Gan({ generator, discriminator, latentSize: 2 });
const real = core.Rng.fromSeed(4).normal([32, 2], 2);
const optimizer = tf.train.adam(1e-2);
const before = (await gan.discriminatorLoss(real, core.Rng.fromSeed(5)).data())[0];
for (let step = 0; step < 20; step++) {
  tf.dispose(
    optimizer.minimize(
      () => gan.discriminatorLoss(real, coreCopy.Rng.fromSeed(step)),
      false,
      gan.discriminatorVariables,
    ),
  );
}
const after = (await gan.discriminatorLoss(real, core.Rng.fromSeed(5)).data())[0];
check(
  Number.isFinite(before) && after < before,
  `Gan trains with a generator of the nn copy and the core copy's Rng (D loss ${before.toFixed(3)} → ${after.toFixed(3)})`,
);
check(gan.sample(5, rngOfCopy()).shape.join(',') === '5,2', "Gan.sample takes the copy's Rng");

class Wrapper extends nn.Module {
  constructor(child) {
    super('wrapper');
    this.inner = this.addModule('inner', child);
  }
  apply(input) {
    return this.inner.apply(input);
  }
}
const wrapper = new Wrapper(new nnCopy.Dense({ inputSize: 2, outputSize: 3, rng: rngOfCopy() }));
check(
  Object.keys(wrapper.namedWeights()).every((n) => n.startsWith('wrapper/inner/')) &&
    wrapper.trainableVariables.length === 2,
  'Module.addModule adopts a module of the nn copy',
);

const dir = mkdtempSync(join(tmpdir(), 'gen-two-copies-'));
const file = join(dir, 'd.genw');
await saveWeights(file, discriminator);
const disposed = new nnCopy.Mlp({ inputSize: 2, hiddenSizes: [8], outputSize: 1, seed: 3 });
disposed.dispose();
const disposedError = await thrown(() => loadWeightsInto(disposed, file));
check(
  core.isGenError(disposedError, 'INVALID_ARGUMENT') &&
    /loadWeightsInto: argument 'target' must not be disposed/.test(disposedError.message),
  'loadWeightsInto sees that a Module of the nn copy is disposed',
);
const target = new nnCopy.Mlp({ inputSize: 2, hiddenSizes: [8], outputSize: 1, seed: 9 });
await loadWeightsInto(target, file);
check(
  await same(target.apply(real), discriminator.apply(real)),
  'loadWeightsInto fills a Module of the nn copy',
);
rmSync(dir, { recursive: true, force: true });

// Errors: a typed error of one copy is recognised by isGenError of the other.
const fromCopy = await thrown(() => coreCopy.Rng.fromSeed(-1));
check(
  core.isGenError(fromCopy, 'INVALID_ARGUMENT') && !(fromCopy instanceof core.GenError),
  "core's isGenError recognises an error thrown by the copy",
);
const fromOwn = await thrown(() => divergence('no-such-divergence', [0.5, 0.5], [0.5, 0.5]));
check(
  coreCopy.isGenError(fromOwn, 'INVALID_ARGUMENT') && !(fromOwn instanceof coreCopy.GenError),
  "the copy's isGenError recognises an error thrown through @gen/core",
);
const diverging = {
  trainableVariables: [],
  apply() {
    throw new coreCopy.NumericalError('apply: the network diverged');
  },
  getWeights: () => ({}),
  setWeights() {},
  dispose() {},
};
const reraised = await thrown(() =>
  new Gan({ generator: diverging, discriminator, latentSize: 2 }).sample(4, rngOfCopy()),
);
check(
  core.isGenError(reraised, 'NUMERICAL_FAILURE') && /^Gan\.sample: /.test(reraised.message),
  'a NumericalError of the copy keeps its kind when Gan names itself (got ' +
    `${reraised?.name}: ${reraised?.message})`,
);

if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
