/**
 * The emulator's HTTP server packages are not dependencies of gcp-billing-link: a program that links
 * billing accounts never needs them (and fastify's own dependencies ask for a newer Node.js than this
 * package supports). They are optional peer dependencies, installed here for the tests and the demo; a
 * user who wants the emulator installs them, and this says how instead of a bare "Cannot find module".
 */
const SERVER_PACKAGES = ["fastify", "@fastify/formbody"] as const;

export function assertServerDependencies(resolve: (name: string) => string = require.resolve): void {
  const missing = SERVER_PACKAGES.filter((name) => {
    try {
      resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  throw new Error(
    `The gcp-billing-link emulator needs ${missing.join(" and ")}, which only the emulator uses and so ` +
      `gcp-billing-link does not install: npm install --save-dev fastify@^5 @fastify/formbody@^9`,
  );
}
