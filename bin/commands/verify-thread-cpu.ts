/** This thread's CPU time so far in µs (user + system), for a parallel verify's per-thread
 * figures (`ParallelOptions.onThreads`). */
export const threadCpu = (): number => {
  const { user, system } = process.threadCpuUsage();
  return user + system;
};
