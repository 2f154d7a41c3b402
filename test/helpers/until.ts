/** Resolves once `check` holds, polling every `everyMs`; fails after `timeoutMs`. */
export const until = async (
  check: () => boolean,
  timeoutMs = 240_000,
  everyMs = 5,
): Promise<void> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};
