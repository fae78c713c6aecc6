import { createServer } from 'node:net';

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
