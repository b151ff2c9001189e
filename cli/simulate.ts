// `splitloop simulate`: synthetic referral traffic of a known true effect against the local API,
// with a progress bar on stderr and the experiment's results on stdout at the end.
import { formatChance, formatInt, formatInterval, formatMoney, formatP, formatPEquals, formatPercent, formatSignedPercent, resultCells } from '../dashboard/src/format.ts';
import { authSettingsFromEnv, signToken, type AuthSettings } from '../local/appsync/auth/index.ts';
import { manifest } from '../resolvers/manifest.ts';
import { dataDirFromEnv } from './app.ts';
import { parseSimulateArgs, SIMULATE_USAGE, type SimulateArgs } from './simulate/args.ts';
import { formatAnalysis, readAnalysis } from './simulate/analysis.ts';
import { createGraphqlClient, GraphqlCallError, UnreachableError } from './simulate/client.ts';
import { createProgressReporter, formatDuration, type ProgressStream } from './simulate/progress.ts';
import { runSimulation, SimulationError, type SimulationReport } from './simulate/run.ts';

export interface SimulateIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
  /** Auth settings of the server; default: the environment and `<checkout>/.splitloop`, as `npm start` reads them. */
  auth?: AuthSettings;
}

const defaultIo = (): SimulateIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatReport(report: SimulationReport): string {
  const out: string[] = [];
  const exp = report.experiment;
  const treatment = exp.variants.filter((v) => v.key !== exp.control).map((v) => v.key);
  out.push(`Experiment ${exp.name} (${exp.id}), control ${exp.control}`);
  out.push(
    `Run ${report.runId} (seed ${report.seed}): ${formatInt(report.users)} users, ${formatInt(report.enrolled)} enrolled, ` +
      `${formatInt(report.requests)} requests, ${report.errors} failed, in ${formatDuration(report.elapsedMs)}` +
      (report.aborted ? ' (interrupted)' : ''),
  );
  out.push(
    `True effect: a referee converts ${formatSignedPercent(report.lift, 1)} more often in ${treatment.join(', ') || 'the treatment'}; ` +
      `expected share of users with a converting referral ${formatPercent(report.trueEffect.controlRate)} (control) vs ` +
      `${formatPercent(report.trueEffect.treatmentRate)} (treatment), relative lift ${formatSignedPercent(report.trueEffect.relativeLift, 1)}`,
  );
  if (!report.settled) out.push('Warning: the live counts did not include every event before the settle timeout; the results may lag.');
  if (report.firstErrors.length) out.push(`First errors:\n  ${report.firstErrors.join('\n  ')}`);

  if (report.live) {
    out.push('', 'Live counts (all traffic so far)');
    out.push(
      textTable(
        ['variant', 'exposures', 'invites', 'clicks', 'signups', 'conversions', 'revenue'],
        report.live.variants.map((v) => [v.key, formatInt(v.exposures), formatInt(v.invites), formatInt(v.clicks), formatInt(v.signups), formatInt(v.conversions), formatMoney(v.revenue, report.experiment.currency)]),
      ),
    );
  }

  const r = report.results;
  if (!r) {
    out.push('', `Results unavailable: ${report.resultsError ?? 'the API returned none'}`);
    return `${out.join('\n')}\n`;
  }
  out.push('', `Results (alpha ${r.alpha}; conversion = an enrolled user who brought at least one converting referee)`);
  out.push(
    textTable(
      ['variant', 'users', 'conv.', 'rate', '95% CI', 'rel. lift', '95% CI', 'p', 'adj. p', 'P(beat ctrl)', 'seq. p', 'signif.'],
      r.variants.map((v) => {
        const c = resultCells(v);
        return [
          v.key === r.control ? `${v.key} (control)` : v.key,
          c.users, c.conversions, c.rate, c.rateCi, c.relativeLift, c.relativeLiftCi, c.pValue, c.pValueAdjusted, c.chanceToBeatControl, c.sequentialPValue, c.significant,
        ];
      }),
    ),
  );
  for (const m of r.metrics) {
    const rows = m.variants.map((v) => [
      v.key,
      v.mean === null ? '—' : v.mean.toFixed(3),
      v.vsControl?.difference == null ? '—' : v.vsControl.difference.toFixed(3),
      formatInterval(v.vsControl?.differenceCi, (x) => x.toFixed(3)),
      formatP(v.vsControl?.pValue),
    ]);
    out.push('', `Metric ${m.name}`, textTable(['variant', 'mean', 'diff.', '95% CI', 'p'], rows));
  }
  out.push('');
  out.push(
    r.srm.mismatch
      ? `SAMPLE RATIO MISMATCH: the split of users does not match the weights (${formatPEquals(r.srm.pValue)}); do not trust these results.`
      : `Sample ratio: consistent with the weights (${formatPEquals(r.srm.pValue)}).`,
  );
  if (r.sampleSize) {
    const s = r.sampleSize;
    out.push(
      s.requiredUsersPerVariant
        ? `Sample size: ${formatInt(s.smallestVariantUsers)} of ${formatInt(s.requiredUsersPerVariant)} users in the smallest variant ` +
            `(${formatChance(s.progress)}) to detect a ${formatSignedPercent(s.minimumDetectableEffect, 0)} relative lift.`
        : `Sample size: not yet computable (no conversions in the control); ${formatInt(s.smallestVariantUsers)} users in the smallest variant.`,
    );
  }
  return `${out.join('\n')}\n`;
}

function credentials(io: SimulateIo): AuthSettings {
  // The same settings and JWT key as `npm start`.
  return io.auth ?? authSettingsFromEnv(io.env, { dataDir: dataDirFromEnv(io.env), appModes: manifest.auth });
}

export async function simulateCommand(argv: string[], io: SimulateIo = defaultIo()): Promise<number> {
  const parsed = parseSimulateArgs(argv, io.env);
  if (!parsed.ok) {
    if ('help' in parsed) {
      io.stdout.write(SIMULATE_USAGE);
      return 0;
    }
    io.stderr.write(`splitloop simulate: ${parsed.error}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  const args: SimulateArgs = parsed.args;
  let auth: AuthSettings;
  try {
    auth = credentials(io);
  } catch (error) {
    io.stderr.write(`splitloop simulate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }

  const reporter = createProgressReporter(io.stderr);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  let last = { done: 0, total: args.users, requests: 0, errors: 0, elapsedMs: 0 };
  try {
    io.stderr.write(
      args.days === null
        ? `splitloop simulate: ${args.users} users over ${args.durationSeconds}s against ${args.graphqlUrl} (Ctrl-C stops early)\n`
        : `splitloop simulate: ${args.users} users over ${args.days} simulated days of ${args.daySeconds}s each against ${args.graphqlUrl} (Ctrl-C stops early)\n`,
    );
    const token = () => signToken({ user: 'splitloop-simulate', groups: ['experimenters'] }, auth);
    const report = await runSimulation({
      graphqlUrl: args.graphqlUrl,
      experimentId: args.experimentId,
      users: args.users,
      lift: args.lift,
      durationSeconds: args.durationSeconds,
      concurrency: args.concurrency,
      seed: args.seed,
      settleSeconds: args.settleSeconds,
      apiKey: auth.apiKeys[0]!,
      iam: auth.iam,
      token,
      signal: abort.signal,
      onProgress: (state) => {
        last = state;
        const day = args.days === null ? null : Math.min(args.days, Math.floor(state.elapsedMs / 1000 / args.daySeconds) + 1);
        reporter.update(day === null || state.phase ? state : { ...state, phase: `day ${day} of ${args.days}` });
      },
    });
    reporter.finish({ ...last, requests: report.requests, errors: report.errors, elapsedMs: report.elapsedMs, phase: report.settled ? 'done' : 'done (counts still catching up)' });
    const analysis = args.days === null ? null : await readAnalysis(createGraphqlClient(args.graphqlUrl), args.experimentId, token).catch(() => null);
    if (args.json) io.stdout.write(`${JSON.stringify(analysis ? { ...report, analysis } : report, null, 2)}\n`);
    else {
      io.stdout.write(formatReport(report));
      if (analysis) io.stdout.write(formatAnalysis(analysis, report.experiment.control, `${new URL(args.graphqlUrl).origin}/#/experiments/${encodeURIComponent(args.experimentId)}`));
    }
    return report.results ? 0 : 1;
  } catch (error) {
    if (last.done > 0) reporter.finish(last);
    if (error instanceof UnreachableError) {
      io.stderr.write(`splitloop simulate: ${error.message}: is the local API running (npm start)? Use --url for another endpoint.\n`);
    } else if (error instanceof SimulationError || error instanceof GraphqlCallError) {
      io.stderr.write(`splitloop simulate: ${error.message}\n`);
    } else throw error;
    return 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
