/**
 * Builds @wirehook/publisher as a package other services install (`npm run build:publisher`,
 * `nx run publisher:package`) into dist/publisher:
 *
 * - index.js: one CommonJS bundle (esbuild) of libs/publisher with what it uses from
 *   libs/contracts and libs/nats, class-validator and class-transformer (tree-shaken);
 *   the @nats-io packages stay imports: they are peer dependencies.
 * - index.d.ts: the declarations, bundled (dts-bundle-generator), with no path alias left.
 * - THIRD_PARTY_LICENSES.md: the licenses of the packages bundled in.
 * - package.json (libs/publisher/package.json) and README.md.
 *
 * It fails when an alias (`@wirehook/...`), Nest or the `nats` v2 package would reach the package.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';

const libDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(libDir, '..', '..');
const outDir = join(root, 'dist', 'publisher');
const manifest = JSON.parse(readFileSync(join(libDir, 'package.json'), 'utf8'));
const peers = Object.keys(manifest.peerDependencies);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const { metafile } = await build({
  entryPoints: [join(libDir, 'src', 'index.ts')],
  outfile: join(outDir, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Path aliases come from here; experimentalDecorators makes the contracts' decorators legacy ones, as in the apps.
  tsconfig: join(libDir, 'tsconfig.package.json'),
  // Deep imports such as @nats-io/transport-node/lib/node_transport are the peers' too.
  external: peers.flatMap((name) => [name, `${name}/*`]),
  // The ES module builds of class-validator and class-transformer, so that what is unused is left out.
  mainFields: ['module', 'main'],
  keepNames: true,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const forbidden = /node_modules\/(@nestjs|nats|reflect-metadata|rxjs)\//;
const pulledIn = Object.keys(metafile.inputs).filter((input) => forbidden.test(input));
if (pulledIn.length > 0) throw new Error(`the publisher bundle pulls in ${pulledIn.join(', ')}`);

// The bundled packages' licenses (MIT) travel with their code.
const [{ inputs: contributions }] = Object.values(metafile.outputs);
const contributing = Object.keys(contributions).filter((input) => contributions[input].bytesInOutput > 0);
const bundled = [...new Set(contributing.flatMap((input) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []))].sort();
const licenses = bundled.map((name) => {
  const { version, license } = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  const text = readFileSync(join(root, 'node_modules', name, 'LICENSE'), 'utf8').trim();
  return `## ${name} ${version} (${license})\n\n${text}\n`;
});
writeFileSync(join(outDir, 'THIRD_PARTY_LICENSES.md'), `# Packages bundled into @wirehook/publisher\n\n${licenses.join('\n')}`);

const [declarations] = generateDtsBundle([{ filePath: join(libDir, 'src', 'index.ts'), output: { noBanner: true, exportReferencedTypes: false } }], {
  preferredConfigPath: join(libDir, 'tsconfig.package.json'),
});
writeFileSync(join(outDir, 'index.d.ts'), declarations);

for (const file of ['index.js', 'index.d.ts']) {
  if (readFileSync(join(outDir, file), 'utf8').includes('@wirehook/')) throw new Error(`${file} still refers to a @wirehook/ path alias`);
}

for (const file of ['package.json', 'README.md']) copyFileSync(join(libDir, file), join(outDir, file));

const bytes = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`@wirehook/publisher ${manifest.version} → ${relative(root, outDir)} (index.js ${Math.round(bytes / 1024)} KiB)`);
