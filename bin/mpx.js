#!/usr/bin/env node
// The mpx command. The CLI is TypeScript run through tsx, so `npx mpx` works
// right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

// The pinned SDK supports Node 20; its notice about future releases is not for mpx users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `mpx runs list | head` closes the pipe early: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
