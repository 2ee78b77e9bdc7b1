import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Writes [rows·cols, 784] values in [0, 1] to `file` as a grid PNG of 28×28 grey tiles. */
export async function writeImageGrid(file, images, cols) {
  const data = await images.data();
  const rows = Math.ceil(images.shape[0] / cols);
  const png = new PNG({ width: cols * 28, height: rows * 28 });
  for (let i = 0; i < images.shape[0]; i++) {
    for (let p = 0; p < 784; p++) {
      const x = (i % cols) * 28 + (p % 28);
      const y = Math.floor(i / cols) * 28 + Math.floor(p / 28);
      const o = (y * png.width + x) * 4;
      const v = Math.round(255 * data[i * 784 + p]);
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  }
  writeFileSync(file, PNG.sync.write(png));
}
