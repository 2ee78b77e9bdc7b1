/**
 * The view registry. Views are found with `import.meta.glob`, so a view file that does not exist
 * yet simply does not appear; each is loaded (and code-split) on first use.
 */
import type { DemoView } from '../views/types.js';

/** Every view id in navigation order. */
export const VIEW_ORDER: readonly DemoView['id'][] = [
  'divergences',
  'estimators',
  'discriminator',
  'density',
  'mode-collapse',
  'vae',
  'autoencoders',
  'sequential',
  'dcgan',
];

/** Titles for the navigation, before a view's module is loaded. */
export const VIEW_TITLES: Readonly<Record<DemoView['id'], string>> = {
  divergences: 'Divergences',
  estimators: 'Gradient estimators',
  density: 'Density playground',
  'mode-collapse': 'Mode collapse',
  discriminator: 'What the discriminator learns',
  vae: 'VAE on MNIST',
  autoencoders: 'Autoencoders',
  sequential: 'Autoregressive and flow models',
  dcgan: 'DCGAN on MNIST',
};

const modules = import.meta.glob<{ default: DemoView }>([
  '../views/*.ts',
  '!../views/types.ts',
  '!../views/*.test.ts',
]);

function idOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1, -'.ts'.length);
}

/** The ids of the views present in this build, in navigation order. */
export function availableViews(): DemoView['id'][] {
  const present = new Set(Object.keys(modules).map(idOf));
  return VIEW_ORDER.filter((id) => present.has(id));
}

/** Loads view `id`; rejects when it is not in this build. */
export async function loadView(id: string): Promise<DemoView> {
  const entry = Object.entries(modules).find(([path]) => idOf(path) === id);
  if (entry === undefined) throw new Error(`loadView: unknown view '${id}'`);
  const module = await entry[1]();
  return module.default;
}
