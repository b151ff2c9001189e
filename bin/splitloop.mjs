#!/usr/bin/env node
// Runs the TypeScript CLI straight from the checkout (tsx), so `npx splitloop` needs no build step.
import { tsImport } from 'tsx/esm/api';

// The AWS SDK announces that its 2027 releases will need Node 22; the versions locked here run on
// Node 20, so the notice would only clutter every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await tsImport('../cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
