import { readFileSync } from 'node:fs';

/**
 * `npx tsx bench/profile-top.ts <file.cpuprofile> [count]`: the functions with the most self
 * time in a V8 CPU profile (node --cpu-prof), with their share of all samples; then the same
 * for total time (self + callees, each function counted once per stack).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

function main(): void {
  const [file, countText] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [count]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + hits);
    total += hits;
  }
  const count = Number(countText ?? 25);
  const print = (title: string, map: Map<string, number>): void => {
    process.stdout.write(`${title}\n`);
    const top = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
    for (const [key, hits] of top) process.stdout.write(`${((hits * 100) / total).toFixed(1).padStart(5)}%  ${key}\n`);
  };
  print('self time', self);

  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const keyOf = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'}${url === '' ? '' : ` ${url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${lineNumber + 1}`}`;
  };
  const inclusive = new Map<string, number>();
  const walk = (node: ProfileNode, onStack: Set<string>): number => {
    let hits = node.hitCount ?? 0;
    const key = keyOf(node);
    const fresh = !onStack.has(key);
    if (fresh) onStack.add(key);
    for (const child of node.children ?? []) hits += walk(byId.get(child) as ProfileNode, onStack);
    if (fresh) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + hits);
    }
    return hits;
  };
  const root = profile.nodes[0];
  if (root) walk(root, new Set());
  inclusive.delete(keyOf(root as ProfileNode));
  print('total time', inclusive);
}

main();
