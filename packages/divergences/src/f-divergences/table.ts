import { neymanRow, pearsonRow, squaredHellingerRow, totalVariationRow } from './chi-rows.js';
import { type FDivergence, type FDivergenceName, tidyRow } from './f-divergence.js';
import { ganRow, jeffreysRow, jsRow, klRow, reverseKlRow } from './log-rows.js';

/**
 * The f-GAN table (Nowozin, Cseke, Tomioka 2016, Tables 1–2): name → {f, conjugate, activation,
 * threshold} plus f′ (`derivative`) and the fused f*∘g_f (`conjugateActivation`). The keys
 * match `divergence` names, and D_f agrees with `divergence(name, …)` (js is halved, ≤ log 2);
 * 'gan' has D_f = 2·JS − log 4. α-divergences: {@link alphaDivergence}.
 *
 * ```ts
 * const { activation, conjugateActivation } = fDivergences.js;
 * const bound = tf.sub(tf.mean(activation(vReal)), tf.mean(conjugateActivation(vFake)));
 * ```
 */
export const fDivergences: Readonly<Record<FDivergenceName, FDivergence>> = Object.freeze({
  kl: tidyRow(klRow),
  'reverse-kl': tidyRow(reverseKlRow),
  pearson: tidyRow(pearsonRow),
  neyman: tidyRow(neymanRow),
  'squared-hellinger': tidyRow(squaredHellingerRow),
  jeffreys: tidyRow(jeffreysRow),
  js: tidyRow(jsRow),
  gan: tidyRow(ganRow),
  'total-variation': tidyRow(totalVariationRow),
});

/** The names of {@link fDivergences}. */
export const fDivergenceNames = Object.keys(fDivergences) as FDivergenceName[];
