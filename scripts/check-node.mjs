// Fails early, in one line, when npm scripts run on a Node older than the project supports.
// `npm install` brings Node 24 (the `node` package) into node_modules/.bin, which npm
// scripts put first on PATH, so this only trips before the first install.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `storefleet needs Node >= 22 but found ${process.version}: run \`npm install\` first; ` +
      'it installs Node 24 from the npm registry, which every npm script then uses.',
  );
  process.exit(1);
}
