// The import rule of the codebase (see README "How it is built"): each layer imports only the ones below it.
//   shared → text, content → domain → understanding → conversation → channels, http → app (wiring), cli, main
// db implements the ports of domain and conversation; frameworks stay at the edges.
const layer = (name) => `^src/${name}/`;
const below = {
  shared: [],
  text: ['shared'],
  content: ['shared', 'text'],
  domain: ['shared', 'text', 'content'],
  understanding: ['shared', 'text', 'content', 'domain'],
  conversation: ['shared', 'text', 'content', 'domain', 'understanding'],
  // db implements the ports its users define, a channel's too (type-only: see db-implements-channel-ports).
  db: ['shared', 'text', 'content', 'domain', 'conversation', 'channels'],
  channels: ['shared', 'text', 'content', 'domain', 'conversation'],
  http: ['shared', 'text', 'content', 'domain'],
  evaluation: ['shared', 'text', 'content', 'domain', 'understanding'],
};
const all = ['shared', 'text', 'content', 'domain', 'understanding', 'conversation', 'db', 'channels', 'http', 'evaluation', 'app', 'cli'];

const layering = Object.entries(below).map(([name, allowed]) => ({
  name: `${name}-imports-only-below`,
  comment: `src/${name} may import only ${allowed.length ? allowed.join(', ') : 'nothing of src'} (and itself)`,
  severity: 'error',
  from: { path: layer(name) },
  to: { path: `^src/(${all.filter((l) => l !== name && !allowed.includes(l)).join('|')})/|^src/main\\.ts$` },
}));

const framework = (name, packages, allowedPaths) => ({
  name: `${name}-stays-at-the-edge`,
  comment: `${packages.join(', ')} may be imported only under ${allowedPaths.join(', ')}`,
  severity: 'error',
  from: { pathNot: allowedPaths.map((p) => `^${p}`).join('|') },
  to: { path: `^node_modules/(${packages.join('|')})/`, dependencyTypesNot: ['type-only'] },
});

module.exports = {
  forbidden: [
    ...layering,
    {
      name: 'db-implements-channel-ports', comment: 'src/db may take only types from src/channels', severity: 'error',
      from: { path: '^src/db/' }, to: { path: '^src/channels/', dependencyTypesNot: ['type-only'] },
    },
    { name: 'no-cycles', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    framework('botkit', ['botkit', 'botbuilder', 'botbuilder-adapter-web'], ['src/channels/webchat/']),
    framework('telegraf', ['telegraf'], ['src/channels/telegram/']),
    framework('whatsapp-web', ['whatsapp-web\\.js'], ['src/channels/whatsapp-web/']),
    framework('mongoose', ['mongoose', 'mongodb'], ['src/db/', 'src/app/', 'src/cli/', 'src/main.ts']),
    framework('express', ['express', 'express-session', 'express-rate-limit', 'helmet'], ['src/http/', 'src/channels/', 'src/app/']),
    // The session store is a MongoDB collection like the others.
    framework('connect-mongo', ['connect-mongo'], ['src/db/']),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|scripts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
