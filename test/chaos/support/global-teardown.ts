/** Stops the private services that private-services.ts started (it leaves its stop function on globalThis). */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { stopChaosServices?: () => Promise<void> }).stopChaosServices?.();
}
