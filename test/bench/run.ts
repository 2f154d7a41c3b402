// `npm run bench`: runs every test/bench/*.bench.ts in its own process, one after another,
// so each gets the machine to itself. Pass names to run a subset: `npm run bench -- verify`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  // The client bench measures packages/client/src as it is, not a possibly stale dist/.
  const run = spawnSync(
    process.execPath,
    ['--conditions=@ai-audit-trail/source', join(here, file)],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
