// The layer table of docs/architecture.md, as rules: `npm run lint` fails on an import against
// it, and on any cycle. docs/architecture.md's table is generated from the same LAYERS
// (scripts/layers.cjs, by scripts/generate-docs.mjs), so the document and the rules cannot disagree.
//
// Each folder of src/ has one rank; a folder may import only folders of a lower rank (and itself).
// A total order leaves no room for a cycle between folders; `no-circular` catches the rest.

const { LAYERS } = require('./scripts/layers.cjs');

const CORE = ['normalize', 'contingency', 'resolve', 'validate', 'plan', 'apply', 'backup', 'render'];
const ADAPTERS = LAYERS.filter((l) => l.layer === 'adapters').map((l) => l.folder);
const alt = (folders) => `(${folders.join('|')})`;

/** What a folder may import: folders of a lower rank, the adapters excepted for everyone but the faces. */
function allowed(layer) {
  if (layer.layer === 'faces') return LAYERS.filter((l) => l.layer !== 'faces' && (layer.folder === 'cli' || l.folder !== 'emulator')).map((l) => l.folder);
  if (layer.layer === 'adapters') return ['model', 'ports'];
  if (layer.folder === 'emulator') return [];
  return LAYERS.filter((l) => l.rank < layer.rank && l.layer !== 'adapters' && l.folder !== 'emulator').map((l) => l.folder);
}

const layerRules = LAYERS.map((layer) => {
  const ok = [layer.folder, ...allowed(layer)];
  const shared = layer.folder === 'emulator' ? '' : '|^src/(errors|version)\\.ts$';
  return {
    name: `layer-${layer.folder}`,
    comment: `src/${layer.folder}/ (${layer.layer}) may import only ${ok.slice(1).join(', ') || 'itself'} (see docs/architecture.md)`,
    severity: 'error',
    from: { path: `^src/${layer.folder}/` },
    to: { path: '^src/', pathNot: `^src/${alt(ok)}/${shared}` },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'a cycle between modules: one of them must not know the other',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core',
      comment: 'core, commands, model and ports do no I/O: the file system, the network and the runner are reached through a port',
      severity: 'error',
      from: { path: `^src/${alt([...CORE, 'commands', 'model', 'ports'])}/` },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|http|https|http2|net|tls|dgram|dns|child_process|os|worker_threads|cluster|readline|process)$',
      },
    },
    {
      name: 'no-runner-or-graph-client-in-core',
      comment: '@actions/* and the Graph client belong to the adapters and faces',
      severity: 'error',
      from: { path: `^src/${alt([...CORE, 'commands', 'model', 'ports', 'emulator'])}/` },
      to: { path: 'node_modules/(@actions|@microsoft/microsoft-graph-client|@azure/identity)/' },
    },
    {
      name: 'emulator-stands-alone',
      comment: 'the emulator takes no code from the client side, so a bug cannot hide in both',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/emulator/' },
    },
    {
      name: 'adapters-not-from-core',
      comment: `core and commands reach ${ADAPTERS.join(', ')} only through src/ports/`,
      severity: 'error',
      from: { path: `^src/${alt([...CORE, 'commands'])}/` },
      to: { path: `^src/${alt(ADAPTERS)}/` },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|lib)/' },
  },
};
