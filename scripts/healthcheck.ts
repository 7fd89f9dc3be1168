/**
 * The images' HEALTHCHECK: asks the service in the same container whether it is ready (its broker connection and
 * database answer). Node is all a slim image has, so no curl; exit 0 when ready, 1 otherwise.
 */
const port = process.env.PORT ?? '3000';
const url = `http://127.0.0.1:${port}/health/ready`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  if (!response.ok) console.error(`${url} answered ${response.status}: ${await response.text()}`);
  process.exit(response.ok ? 0 : 1);
} catch (err) {
  console.error(`${url}: ${(err as Error).message}`);
  process.exit(1);
}
