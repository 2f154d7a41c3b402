/** A typed array with room for `need` elements: `array` itself, or a copy at least twice
 * its size (amortised growth, as arrays do). */
export const grow = <T extends Float64Array | Uint32Array>(array: T, need: number): T => {
  if (need <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(need, array.length * 2));
  bigger.set(array);
  return bigger;
};
