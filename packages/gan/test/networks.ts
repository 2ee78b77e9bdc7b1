import { fromLayersModel, type LayersNetwork } from '@gen/nn';
import * as tfl from '@tensorflow/tfjs-layers';

// A tfjs-layers network for the bring-your-own-network tests (a hand-written one is
// `plainNetwork` from @gen/core/testing).

/** A tfjs-layers MLP inputSize → hidden (leaky ReLU) → outputSize with seeded initialisers. */
export function layersMlp(
  inputSize: number,
  hiddenSizes: readonly number[],
  outputSize: number,
  seed: number,
): LayersNetwork {
  const init = (i: number) => tfl.initializers.glorotUniform({ seed: seed * 100 + i });
  const layers: tfl.layers.Layer[] = [];
  hiddenSizes.forEach((units, i) => {
    layers.push(
      tfl.layers.dense({
        units,
        kernelInitializer: init(i),
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
      }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
    );
  });
  layers.push(
    tfl.layers.dense({
      units: outputSize,
      kernelInitializer: init(hiddenSizes.length),
      ...(hiddenSizes.length === 0 ? { inputShape: [inputSize] } : {}),
    }),
  );
  return fromLayersModel(tfl.sequential({ layers }));
}
