// assignVariant (what the assign Lambda calls) against GrowthBook's JavaScript SDK: its internal
// hash + getBucketRanges + chooseVariation (loaded by file path: they are not exported publicly)
// and its public `run()`. Same users, same experiment; the choices are checked to agree.
// Rounds are interleaved; each figure is the median of the rounds, with min–max.
import { GrowthBook, type Experiment } from '@growthbook/growthbook';
import { assignVariant } from '../lambdas/domain/bucketing.ts';
import { assignmentSeed } from '../lambdas/domain/hash.ts';
import { summary, type BenchRow } from './table.ts';

interface GrowthBookUtil {
  hash(seed: string, value: string, version: number): number | null;
  getBucketRanges(n: number, coverage: number, weights: number[]): [number, number][];
  chooseVariation(n: number, ranges: [number, number][]): number;
}

const USERS = Array.from({ length: 20_000 }, (_, i) => `user-${i}-${(i * 2654435761) % 1e9}`);
const experiment = { salt: 'bench-exp-7', coverage: 0.9, variants: [{ key: 'control', weight: 0.5 }, { key: 'double', weight: 0.3 }, { key: 'credit', weight: 0.2 }] };
const weights = experiment.variants.map((v) => v.weight);
const seed = assignmentSeed(experiment.salt);

function nsPerOp(fn: () => number, ops: number): number {
  const t = process.hrtime.bigint();
  const sink = fn();
  const ns = Number(process.hrtime.bigint() - t) / ops;
  if (sink === -42) console.log(sink); // keep the work observable
  return ns;
}

export async function benchAssignment(progress: (s: string) => void): Promise<BenchRow[]> {
  const gbPath = new URL('../node_modules/@growthbook/growthbook/dist/esm/util.mjs', import.meta.url).href;
  const util = (await import(gbPath)) as GrowthBookUtil;
  const gb = new GrowthBook({ attributes: { id: USERS[0] } });
  const gbExperiment: Experiment<string> = { key: experiment.salt, variations: experiment.variants.map((v) => v.key) as [string, string, ...string[]], weights, coverage: experiment.coverage, seed, hashVersion: 2 };

  const ours = () => {
    let s = 0;
    for (const u of USERS) {
      const r = assignVariant(experiment, u);
      s += r.enrolled ? r.variantKey.length : -1;
    }
    return s;
  };
  const internal = () => {
    let s = 0;
    for (const u of USERS) {
      const n = util.hash(seed, u, 2) as number;
      const i = util.chooseVariation(n, util.getBucketRanges(3, experiment.coverage, weights));
      s += i >= 0 ? (experiment.variants[i]!.key.length) : -1;
    }
    return s;
  };
  const RUN_USERS = USERS.slice(0, 4000);
  const run = () => {
    let s = 0;
    for (const u of RUN_USERS) {
      void gb.setAttributes({ id: u });
      const r = gb.run(gbExperiment);
      s += r.inExperiment ? String(r.value).length : -1;
    }
    return s;
  };

  progress('assignment: checking that every implementation makes the same choices');
  let disagreements = 0;
  for (const u of RUN_USERS) {
    const mine = assignVariant(experiment, u);
    void gb.setAttributes({ id: u });
    const theirs = gb.run(gbExperiment);
    const internalIndex = util.chooseVariation(util.hash(seed, u, 2) as number, util.getBucketRanges(3, experiment.coverage, weights));
    const mineKey = mine.enrolled ? mine.variantKey : null;
    if (mineKey !== (theirs.inExperiment ? theirs.value : null) || mineKey !== (internalIndex < 0 ? null : experiment.variants[internalIndex]!.key)) disagreements += 1;
  }
  if (disagreements) throw new Error(`assignVariant disagrees with GrowthBook for ${disagreements} users`);

  for (let i = 0; i < 20; i += 1) {
    // warm-up (JIT)
    ours();
    internal();
    run();
  }
  const rounds = { ours: [] as number[], internal: [] as number[], run: [] as number[] };
  progress('assignment: interleaved rounds');
  for (let round = 0; round < 15; round += 1) {
    rounds.ours.push(nsPerOp(ours, USERS.length));
    rounds.internal.push(nsPerOp(internal, USERS.length));
    rounds.run.push(nsPerOp(run, RUN_USERS.length));
  }
  return [
    summary('splitloop assignVariant', rounds.ours, 'ns/op'),
    summary("GrowthBook internal hash + getBucketRanges + chooseVariation", rounds.internal, 'ns/op', { baseline: true }),
    summary('GrowthBook public run() (one instance, setAttributes per user)', rounds.run, 'ns/op'),
    summary('ratio assignVariant speed / GrowthBook internal', rounds.ours.map((v, i) => rounds.internal[i]! / v), 'x'),
    summary('ratio assignVariant speed / GrowthBook run()', rounds.ours.map((v, i) => rounds.run[i]! / v), 'x'),
    { name: `users checked for the same choice (all agree)`, value: RUN_USERS.length, unit: 'users' },
  ];
}
