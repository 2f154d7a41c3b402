/** Minimal types for kinesalite 3 (it ships none), as far as the test helper uses it. */
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
    /** LevelDB directory; in memory when absent. */
    path?: string;
  }
  export default function kinesalite(options?: KinesaliteOptions): Server;
}
