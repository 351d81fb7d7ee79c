/**
 * `npm run bench`: prints measurements as numbers and ratios. Nothing here asserts: targets are
 * printed beside the numbers for people to read, never checked by tests.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSizes } from './bundle-size.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const { rows, agora } = bundleSizes(root);
console.log('Bundle size (gzip -9)');
for (const row of rows) {
  const target = row.target
    ? `target ≤ ${kb(row.target)} ${row.gzip <= row.target ? '(met)' : '(MISSED)'}`
    : '';
  console.log(
    `  ${row.name.padEnd(44)} ${String(row.gzip).padStart(7)} B  ${kb(row.gzip).padStart(8)}  ` +
      `${(agora.bytes / row.gzip).toFixed(1)}× smaller than Agora-chat.js  ${target}`,
  );
}
console.log(
  `  ${'agora-chat 1.4.0 Agora-chat.js'.padEnd(44)} ${String(agora.bytes).padStart(7)} B  ${kb(agora.bytes).padStart(8)}  (${agora.source})`,
);
