/**
 * `npx tsx bench/projection-cost.ts [projections per round] [--against <checkout>] [--rounds R]`:
 * what one projection of a whistle into the read model costs (lib/read-model/whistles.ts), the write
 * that every filing, action and deadline makes: PostgreSQL's CPU-ms and this process's per
 * projection, and its latency at 1 and 8 in flight. Three kinds, as they come in production:
 *
 * - filing: the API's first write of a new whistle, with the reporter's phone;
 * - again: the worker's projection of the same version a moment later (found written, not rewritten);
 * - action: the next version with its new timeline entry (an `accept`), as the API writes the answer.
 *
 * `--against` runs another checkout's projectWhistle (a worktree of the commit before a change,
 * its node_modules linked) on the same database, rounds alternating, so before and after meet the
 * same machine at the same moments. Its own throwaway database, migrated to this checkout's schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPool } from '../lib/db';
import { DEFAULT_POLICY, whistleLimitsOf } from '../lib/policy';
import { projectWhistle } from '../lib/read-model/whistles';
import type { Filing, WhistleProjection } from '../domain';
import { newWhistle, projectionOf, record } from '../workflows/whistle/state';
import { cleanupAll, createDatabase } from './stack';
import { filerOf, filingBody, streetPlan } from './filings';
import { latencyOf, median, now, runLoad, takeOption } from './measure';
import { cpuOfPostgres, cpuOfSelf } from './cpu';

type Project = typeof projectWhistle;
type Kind = 'filing' | 'again' | 'action';

function filingOf(prefix: string, i: number): Filing {
  const body = filingBody(i) as { title: string; description: string; category: string; urgent: boolean; location: Record<string, unknown> };
  const filer = filerOf(i);
  const filedAt = new Date();
  return {
    id: `${prefix}${i}`, title: body.title, description: body.description, category: body.category, urgent: body.urgent,
    location: { ...body.location, communityId: filer.id }, reporter: { name: '李大爷' },
    filerOrgId: filer.id, filedBy: filer.id, communityId: filer.id, streetId: filer.streetId, filedAt: filedAt.toISOString(),
    plan: streetPlan(DEFAULT_POLICY, filedAt, body.urgent), limits: whistleLimitsOf(DEFAULT_POLICY),
  };
}

/** The three projections of one whistle: filed, the same again, accepted (the accept's entry only, as the API writes it). */
function projectionsOf(filing: Filing): Record<Kind, WhistleProjection> {
  const w = newWhistle(filing, Date.parse(filing.filedAt!));
  const filed = projectionOf(w, filing);
  w.status = 'street_handling';
  record(w, { type: 'accepted', actor: filing.streetId, note: null, unit: filing.streetId, data: { onTime: true }, at: Date.now() });
  return { filing: filed, again: filed, action: projectionOf(w, filing, w.events.length) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => takeOption(args, name);
  const against = option('--against');
  const rounds = Number(option('--rounds') ?? 3);
  const n = Number(args[0] ?? 1000);
  const variants: Array<{ name: string; project: Project }> = [{ name: 'this checkout', project: projectWhistle }];
  if (against) {
    // The projection's module where that checkout keeps it (lib/read-model/ now, activities/ before).
    const module = ['lib/read-model/whistles.ts', 'activities/read-model.ts'].map((m) => path.resolve(against, m)).find((m) => fs.existsSync(m));
    if (!module) throw new Error(`${against} has no whistle projection module`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    variants.push({ name: against, project: (require(module) as { projectWhistle: Project }).projectWhistle });
  }
  const db = await createDatabase('projection');
  const pool = createPool(db.url, 10);
  console.log(`projection cost: ${rounds} rounds of ${n} whistles per variant; ${os.availableParallelism()} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const kinds: Kind[] = ['filing', 'again', 'action'];
  const samples = variants.map(() => Object.fromEntries(
    [1, 8].flatMap((c) => kinds.map((k) => [`${k} c=${c}`, { pgMs: [] as number[], nodeMs: [] as number[], latency: [] as number[] }])),
  ));
  let serial = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [v, variant] of variants.entries()) {
      for (const concurrency of [1, 8]) {
        const prefix = `p${r}v${v}c${concurrency}x${serial++}x`;
        const whistles = Array.from({ length: n }, (_, i) => projectionsOf(filingOf(prefix, i)));
        for (const kind of kinds) {
          const latency: number[] = [];
          const pg0 = cpuOfPostgres();
          const node0 = cpuOfSelf();
          await runLoad({
            concurrency, count: n,
            task: async (i) => {
              const t0 = now();
              await variant.project(pool, whistles[i][kind], kind === 'again' ? {} : {
                durable: false, ...(kind === 'filing' ? { reporter: { name: '李大爷', phone: '13800000000' } } : {}),
              } as never);
              latency.push(now() - t0);
            },
          });
          const s = samples[v][`${kind} c=${concurrency}`];
          s.pgMs.push(((cpuOfPostgres() - pg0) * 1000) / n);
          s.nodeMs.push(((cpuOfSelf() - node0) * 1000) / n);
          s.latency.push(...latency);
        }
      }
    }
  }
  const results = variants.map((variant, v) => ({
    variant: variant.name,
    kinds: Object.fromEntries(Object.entries(samples[v]).map(([name, s]) => {
      const l = latencyOf(s.latency);
      return [name, { pgCpuMs: Math.round(median(s.pgMs) * 100) / 100, nodeCpuMs: Math.round(median(s.nodeMs) * 100) / 100, p50: l.p50, p99: l.p99 }];
    })),
  }));
  for (const r of results) {
    console.log(r.variant);
    for (const [name, k] of Object.entries(r.kinds)) {
      console.log(`  ${name.padEnd(12)} PostgreSQL ${k.pgCpuMs} CPU ms, this process ${k.nodeCpuMs} CPU ms; latency p50 ${k.p50} ms, p99 ${k.p99} ms`);
    }
  }
  await pool.end();
  fs.mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/projection-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), n, rounds, cpus: os.availableParallelism(), results }, null, 2));
  console.log(`results: ${file}`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; }).finally(() => cleanupAll());
