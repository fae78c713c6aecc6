import type { LedgerSide } from './pipeline/runtime';

/** The ledger side this process runs (undefined with LADING_PIPELINE=off), for services that act on it. */
let current: LedgerSide | undefined;

export function runningLedgerSide(): LedgerSide | undefined {
  return current;
}

export function setRunningLedgerSide(side: LedgerSide | undefined): void {
  current = side;
}
