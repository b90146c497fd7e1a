"use strict";
// One client of the Cloud Billing API in a fresh Node.js process (bench/sections/coldStart.ts starts it):
// require + construct, the first call (which fetches a token), then COLD_START_CALLS sequential calls, and
// prints one JSON line of figures. Usage: node coldStartClient.js <client>; the emulator's endpoints and
// the credentials come in the environment.
const { performance } = require("node:perf_hooks");
const { URL } = require("node:url");

const env = process.env;
const PROJECT = "bench-0000";
const NAME = `projects/${PROJECT}`;
const apiUrl = new URL(env.BENCH_API_ROOT);

/** Each client: load its modules, build a client, and return a function that makes one getBillingInfo. */
const CLIENTS = {
  sdk() {
    const { CloudBillingClient } = require(env.BENCH_SDK_PATH);
    return () => {
      const client = new CloudBillingClient({
        credentials: {
          refreshToken: env.BENCH_REFRESH_TOKEN,
          clientId: env.BENCH_CLIENT_ID,
          clientSecret: env.BENCH_CLIENT_SECRET,
        },
        endpoints: { apiRoot: env.BENCH_API_ROOT, tokenUrl: env.BENCH_TOKEN_URL },
        env: {},
        // The per-call figure is the client's own cost: no client-side rate limit in the way.
        rateLimit: { requestsPerMinute: Infinity },
      });
      return () => client.getProjectBillingInfo(PROJECT);
    };
  },
  "sdk, static token"() {
    const { CloudBillingClient } = require(env.BENCH_SDK_PATH);
    return () => {
      const client = new CloudBillingClient({
        credentials: { accessToken: env.BENCH_ACCESS_TOKEN },
        endpoints: { apiRoot: env.BENCH_API_ROOT, tokenUrl: env.BENCH_TOKEN_URL },
        env: {},
        rateLimit: { requestsPerMinute: Infinity },
      });
      return () => client.getProjectBillingInfo(PROJECT);
    };
  },
  googleapis() {
    const { google } = require("googleapis");
    return () => {
      const client = google.cloudbilling({
        version: "v1",
        auth: oauth2(google.auth.OAuth2),
        rootUrl: env.BENCH_API_ROOT,
      });
      return () => client.projects.getBillingInfo({ name: NAME });
    };
  },
  "googleapis/build/src/apis/cloudbilling"() {
    const { cloudbilling } = require("googleapis/build/src/apis/cloudbilling");
    const { OAuth2Client } = require("google-auth-library");
    return () => {
      const client = cloudbilling({ version: "v1", auth: oauth2(OAuth2Client), rootUrl: env.BENCH_API_ROOT });
      return () => client.projects.getBillingInfo({ name: NAME });
    };
  },
  "@google-cloud/billing (REST)"() {
    const { CloudBillingClient } = require("@google-cloud/billing");
    const { OAuth2Client } = require("google-auth-library");
    return () => {
      const client = new CloudBillingClient({
        fallback: true,
        protocol: apiUrl.protocol.replace(":", ""),
        apiEndpoint: apiUrl.hostname,
        port: Number(apiUrl.port),
        authClient: oauth2(OAuth2Client),
      });
      return () => client.getProjectBillingInfo({ name: NAME });
    };
  },
  "floor: google-auth-library + one request"() {
    const { OAuth2Client } = require("google-auth-library");
    return () => {
      const auth = oauth2(OAuth2Client);
      const url = new URL(`v1/${NAME}/billingInfo`, env.BENCH_API_ROOT).toString();
      return () => auth.request({ url });
    };
  },
};

function oauth2(OAuth2Client) {
  const client = new OAuth2Client({
    clientId: env.BENCH_CLIENT_ID,
    clientSecret: env.BENCH_CLIENT_SECRET,
    endpoints: { oauth2TokenUrl: env.BENCH_TOKEN_URL },
  });
  client.setCredentials({ refresh_token: env.BENCH_REFRESH_TOKEN });
  return client;
}

async function main() {
  const name = process.argv[2];
  const load = CLIENTS[name];
  if (!load) throw new Error(`unknown client ${name}; known: ${Object.keys(CLIENTS).join(", ")}`);
  const t0 = performance.now();
  const construct = load();
  const t1 = performance.now();
  const call = construct();
  const t2 = performance.now();
  await call();
  const t3 = performance.now();
  const loadedAuthLibrary = Object.keys(require.cache).some((f) =>
    f.includes(`${"node_modules"}/google-auth-library/`),
  );
  const calls = Number(env.COLD_START_CALLS);
  const samples = [];
  for (let i = 0; i < calls; i++) {
    const s = performance.now();
    await call();
    samples.push(performance.now() - s);
  }
  samples.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      client: name,
      bootMs: t0,
      requireMs: t1 - t0,
      constructMs: t2 - t1,
      firstCallMs: t3 - t2,
      firstResultAtMs: t3,
      perCallMedianMs: samples.length ? samples[Math.floor(samples.length / 2)] : NaN,
      loadedAuthLibrary,
      maxRssKiB: process.resourceUsage().maxRSS,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
  },
);
