import { manifest } from '../resolvers/manifest.ts';
import { bundleResolvers, writeBundles, RESOLVER_BUILD_DIR } from './bundle-resolvers.ts';

const bundles = bundleResolvers(manifest);
await writeBundles(bundles);
console.log(`bundled ${bundles.size} APPSYNC_JS files into ${RESOLVER_BUILD_DIR}`);
