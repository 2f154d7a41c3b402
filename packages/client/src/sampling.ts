/**
 * Sampling decided by the event id (FNV-1a, 32 bits): the same id is always in or always
 * out, so a retried event, or an outcome sent with its decision's id, follows its decision.
 */
export const sampledIn = (id: string, rate: number): boolean => {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000 < rate;
};
