import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One figure of `bench/results/latest.json`. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export interface Target {
  /** Wanted ratio value / baseline (at least). */
  ratio?: number;
  /** Wanted absolute value: at least, unless `atMost` is set. */
  value?: number;
  /** The value must not exceed `value` (latencies). */
  atMost?: boolean;
  met: boolean;
}

export interface Machine {
  cpus: number;
  model: string;
  totalMemGiB: number;
  node: string;
  platform: string;
}

export interface BenchResult extends Figure {
  baseline: Figure;
  ratio: number;
  target?: Target;
  machine: Machine;
  commit: string;
  date: string;
  /** Anything else worth keeping (counts, settings). */
  notes?: string;
}

/** What a benchmark module hands back before the runner stamps machine, commit and date. */
export interface Measurement extends Figure {
  baseline: Figure;
  target?: Omit<Target, 'met'>;
  notes?: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model ?? 'unknown',
    totalMemGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function gitCommit(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const digits = Math.abs(value) >= 100 ? 1 : Math.abs(value) >= 1 ? 3 : 4;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Computes ratio and target verdict, and stamps machine, commit and date. */
export function finish(measurement: Measurement, context: { machine: Machine; commit: string; date: string }): BenchResult {
  const ratio = measurement.baseline.value === 0 ? Number.NaN : measurement.value / measurement.baseline.value;
  let target: Target | undefined;
  if (measurement.target) {
    const { ratio: wantRatio, value: wantValue, atMost } = measurement.target;
    let met = true;
    if (wantRatio !== undefined) met = met && ratio >= wantRatio;
    if (wantValue !== undefined) met = met && (atMost ? measurement.value <= wantValue : measurement.value >= wantValue);
    target = { ...measurement.target, met: met && Number.isFinite(measurement.value) };
  }
  return {
    name: measurement.name,
    value: round(measurement.value),
    unit: measurement.unit,
    baseline: { ...measurement.baseline, value: round(measurement.baseline.value) },
    ratio: round(ratio),
    ...(target ? { target } : {}),
    machine: context.machine,
    commit: context.commit,
    date: context.date,
    ...(measurement.notes ? { notes: measurement.notes } : {}),
  };
}

function targetText(target: Target | undefined): string {
  if (!target) return '';
  const parts: string[] = [];
  if (target.ratio !== undefined) parts.push(`ratio ≥ ${target.ratio}`);
  if (target.value !== undefined) parts.push(`${target.atMost ? '≤' : '≥'} ${target.value}`);
  return `${parts.join(', ')} ${target.met ? 'met' : 'MISSED'}`;
}

/** A plain-text table of the results, one line each. */
export function table(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [r.name, `${r.value} ${r.unit}`, `${r.baseline.value} ${r.baseline.unit} (${r.baseline.name})`, `${r.ratio}×`, targetText(r.target)]);
  const header = ['benchmark', 'value', 'baseline', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
