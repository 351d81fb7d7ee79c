import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Plugin } from 'vite';

/**
 * The classic scripts are minified without the libraries' license banners (they cost bytes in every
 * page load), but lit and @lit/context (BSD-3-Clause), rxjs (Apache-2.0) and idb (ISC) ask that
 * their notices travel with every copy. This plugin writes them, each package's own LICENSE file
 * verbatim, into one text file beside the script, and the script's first line names that file.
 */
export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  text: string;
}

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

/** The folder of the package a bundled module came from, or undefined for our own sources. */
function packageRoot(moduleId: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = moduleId.lastIndexOf(marker);
  if (at < 0) return undefined;
  const rest = moduleId.slice(at + marker.length).split(sep);
  const depth = rest[0]?.startsWith('@') ? 2 : 1;
  return moduleId.slice(0, at + marker.length) + rest.slice(0, depth).join(sep);
}

/**
 * The packages behind the given module ids, sorted by name. A package without a license file fails
 * the build: shipping its code without its notice is the mistake this file exists to prevent.
 */
export function bundledPackages(moduleIds: Iterable<string>): BundledPackage[] {
  const roots = new Set<string>();
  for (const id of moduleIds) {
    const root = packageRoot(id.replace(/^\0/, '').split('?')[0] ?? id);
    if (root) roots.add(root);
  }
  const packages = [...roots].map((root): BundledPackage => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
      license?: string;
    };
    const name = manifest.name ?? root;
    const file = existsSync(root) ? readdirSync(root).find((f) => LICENSE_FILE.test(f)) : undefined;
    if (!file) throw new Error(`${name} is bundled but has no LICENSE file in ${root}`);
    return {
      name,
      version: manifest.version ?? 'unknown',
      license: manifest.license ?? 'see text',
      text: readFileSync(join(root, file), 'utf8').trim(),
    };
  });
  return packages.sort((a, b) => a.name.localeCompare(b.name));
}

export function licensesText(script: string, packages: BundledPackage[]): string {
  const rule = '-'.repeat(72);
  const header =
    `${script} bundles the following third-party packages. ` +
    'Their license notices follow, one per package.\n';
  return (
    header +
    packages
      .map((p) => `\n${rule}\n${p.name} ${p.version} (${p.license})\n${rule}\n\n${p.text}\n`)
      .join('')
  );
}

/**
 * Writes `fileName` (default THIRD_PARTY_LICENSES.txt) beside each classic script that bundles
 * third-party code, and starts the script with a `/*!` comment naming it (minifiers keep those).
 * A script with no third-party code gets neither.
 */
export function thirdPartyLicenses(fileName = 'THIRD_PARTY_LICENSES.txt'): Plugin {
  return {
    name: 'openwebim:third-party-licenses',
    apply: 'build',
    generateBundle(_options, bundle) {
      // One file for the whole build: the loader's chunks share it, as do the libraries in them.
      const scripts: string[] = [];
      const ids = new Set<string>();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const shipped = Object.entries(chunk.modules)
          .filter(([, module]) => module.renderedLength > 0)
          .map(([id]) => id);
        if (bundledPackages(shipped).length === 0) continue;
        chunk.code = `/*! Third-party licenses: ${fileName} */\n${chunk.code}`;
        scripts.push(chunk.fileName);
        for (const id of shipped) ids.add(id);
      }
      if (scripts.length === 0) return;
      this.emitFile({
        type: 'asset',
        fileName,
        source: licensesText(scripts.sort().join(', '), bundledPackages(ids)),
      });
    },
  };
}
