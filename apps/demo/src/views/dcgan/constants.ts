/** Sizes of the DCGAN view's panels (shared by the page and its training worker, DOM-free). */

/** Side of the sample grid (GRID² fixed latent draws). */
export const GRID = 8;
/** Images in the interpolation row, endpoints included. */
export const PATH_STEPS = 10;
