/**
 * Node's flags for the hub and the adapters, wherever they are started (`npm start`, the full-path bench; the images
 * set the same in NODE_OPTIONS, see the Dockerfile). A young generation of up to 64 MB per semi-space instead of
 * V8's 16 MB: a query allocates a lot that dies young, and fewer scavenges cost the hub about a tenth less CPU per
 * query (docs/benchmark-full-path.md), for at most about 100 MB more memory per process.
 */
export const SERVICE_NODE_ARGS = ['--max-semi-space-size=64'];
