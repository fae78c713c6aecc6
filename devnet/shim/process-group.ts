import type { ChildProcess } from 'node:child_process';

/**
 * Chaincode processes run in their own process group, so that a wrapper (npm, a shell) and the
 * server it starts are signalled and awaited together, and none outlives devnet.
 */
export interface ChaincodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const launched = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Tracks a child until it exits; all tracked children are killed when this process exits. */
export function track(child: ChildProcess): Promise<ChaincodeExit> {
  installExitHook();
  launched.add(child);
  return new Promise<ChaincodeExit>((resolve) => {
    child.once('exit', (code, signal) => {
      launched.delete(child);
      resolve({ code, signal });
    });
    child.once('error', () => {
      launched.delete(child);
      resolve({ code: null, signal: null });
    });
  });
}

export function isRunning(child: ChildProcess): boolean {
  return launched.has(child);
}

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the whole group is gone. */
export async function terminate(child: ChildProcess, exited: Promise<ChaincodeExit>, graceMs: number): Promise<ChaincodeExit> {
  if (child.exitCode === null && child.signalCode === null) signal(child, 'SIGTERM');
  const timer = setTimeout(() => signal(child, 'SIGKILL'), graceMs);
  try {
    const exit = await exited;
    // The leader (npm, a shell) can exit before the server it started: wait for the whole group.
    await groupGone(child, graceMs);
    return exit;
  } finally {
    clearTimeout(timer);
  }
}

async function groupGone(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.pid === undefined || process.platform === 'win32') return;
  const deadline = Date.now() + graceMs;
  while (groupAlive(child.pid)) {
    if (Date.now() > deadline) {
      signal(child, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals the whole process group when there is one, so a wrapper's children go too. */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform !== 'win32') process.kill(-child.pid, name);
    else child.kill(name);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of launched) signal(child, 'SIGKILL');
  });
}
