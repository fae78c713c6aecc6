import { createServer } from 'node:http';

/**
 * The HTTP baseline: a Node http server that reads the whole body and answers 200 with a short
 * JSON body. Run as its own process (like Lading); prints `listening <port>` when ready.
 */
const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    const body = JSON.stringify({ received: bytes, outcome: 'accepted' });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
