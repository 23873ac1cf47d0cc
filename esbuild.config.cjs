// serverless-esbuild require()s its `config` file and calls what it exports;
// this adapter loads the typed options from esbuild.config.ts through tsx.
require('tsx/cjs');
module.exports = require('./esbuild.config.ts').default;
