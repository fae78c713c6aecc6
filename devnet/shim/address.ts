import { connect, createServer } from 'node:net';

/**
 * Addresses of chaincode servers: finding a free one, and knowing when a server listens there.
 */

/**
 * A loopback host:port nobody listens on right now, for a chaincode server. Another process could
 * take it before the chaincode binds; launchChaincode then fails fast rather than hanging.
 */
export function freeLocalAddress(host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(`${host}:${port}`) : reject(new Error('no free port'))));
    });
  });
}

const POLL_INTERVAL_MS = 100;

/** Resolves once `address` accepts TCP connections, or when `gone()` says to stop looking. */
export async function waitUntilListening(address: string, timeoutMs: number, gone: () => boolean): Promise<void> {
  const { host, port } = splitAddress(address);
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(host, port))) {
    if (gone()) return; // the exit is reported by the caller
    if (Date.now() > deadline) throw new Error(`chaincode did not listen on ${address} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export function splitAddress(address: string): { host: string; port: number } {
  const separator = address.lastIndexOf(':');
  const port = Number(address.slice(separator + 1));
  if (separator <= 0 || !Number.isInteger(port) || port <= 0) throw new Error(`chaincode address must be host:port, got "${address}"`);
  const host = address.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  // A server bound to all interfaces is reached on loopback.
  return { host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port };
}

