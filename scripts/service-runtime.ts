/**
 * Node's flags for the hub and the adapters, wherever they are started: `npm start` and the full-path bench take
 * them from here, the images from NODE_OPTIONS in the Dockerfile, `npm run start:hub` and the like from package.json.
 * A young generation of up to 64 MB per semi-space instead of V8's 16 MB: a query allocates much that dies young, and
 * fewer scavenges took the hub's CPU per query from 0.47 to 0.38 ms in the full-path bench
 * (docs/benchmark-full-path.md), for at most about 100 MB more memory per process (two semi-spaces).
 */
export const SERVICE_NODE_ARGS = ['--max-semi-space-size=64'];
