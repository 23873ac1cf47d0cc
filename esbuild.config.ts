import type { BuildOptions } from 'esbuild';

/**
 * esbuild options for every function bundle, used by serverless-esbuild (through
 * esbuild.config.cjs) and by anything else that builds the bundles. The AWS SDK
 * v3 is bundled, not taken from the Lambda runtime, so its version is the one
 * pinned in package-lock.json, and tree shaking keeps only what each function uses.
 */
export const buildOptions = {
  bundle: true,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  keepNames: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  mainFields: ['module', 'main'],
  treeShaking: true,
  legalComments: 'none',
  // serverless-esbuild excludes the v2 `aws-sdk` by default; bundle everything.
  exclude: [],
  packager: 'npm',
  // Separate work folders let two packagings of one project run at once (the local cloud and a deploy, or tests).
  outputWorkFolder: process.env.MPX_ESBUILD_WORK_FOLDER ?? '.esbuild',
} satisfies BuildOptions & { exclude: string[]; packager: string; outputWorkFolder: string };

export default function esbuildConfig(): typeof buildOptions {
  return buildOptions;
}
