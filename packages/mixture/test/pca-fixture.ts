import { readFileSync } from 'node:fs';

interface Case {
  components: number;
  whiten: boolean;
  componentsMatrix: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  singularValues: number[];
  noiseVariance: number;
  mean: number[];
  covariance: number[][];
  transform: number[][];
  inverseTransform: number[][];
  fitTransform: number[][];
  scoreSamples?: number[];
  score?: number;
}
/** scikit-learn 1.2 and numpy/scipy reference values written by fixtures/make_pca.py (see its docstring). */
export const pcaFixture = JSON.parse(
  readFileSync(new URL('../fixtures/pca.json', import.meta.url), 'utf8'),
) as {
  train: number[][];
  test: number[][];
  wide: number[][];
  pca: Record<'k3' | 'k3whiten' | 'k6' | 'wide3', Case>;
  ppca: {
    components: number;
    noiseVariance: number;
    wwt: number[][];
    mean: number[];
    logProb: number[];
    trainScore: number;
  };
};
