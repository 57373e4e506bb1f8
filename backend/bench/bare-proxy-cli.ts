// The floor of the overhead bench: the least a proxy in front of Piston can do on this machine.
// A plain node:http server that forwards each request body to Piston over a keep-alive agent and
// sends the answer back: no Express, no checks, no limits, no logs. What it adds over direct
// Piston is the cost of one more process on the path (two more wake-ups, two more HTTP
// exchanges), which the gateway pays as well before any of its own work.
// Usage: tsx backend/bench/bare-proxy-cli.ts <pistonUrl>. Prints "LISTENING <url>" when ready.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const piston = new URL('/api/v2/execute', process.argv[2] ?? 'http://127.0.0.1:2000');
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const upstream = request(
      piston,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(parts);
          res.writeHead(answer.statusCode ?? 502, {
            'content-type': 'application/json',
            'content-length': text.length,
          });
          res.end(text);
        });
      },
    );
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    upstream.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`LISTENING http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
