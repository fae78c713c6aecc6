import { Leadership } from '../../connectors/queue/leadership';

/**
 * A contender in a process of its own, for tests that kill or pause it: contends for the role
 * named in argv[2] with the lease in argv[3] and prints one line per change ("acquired <token>",
 * "lost <reason>"); SIGTERM stops it gracefully (releasing the role).
 */

const [name, lease] = process.argv.slice(2);
const leadership = new Leadership({
  name: name as string, connection: { host: '127.0.0.1', port: 6379 }, prefix: 'test-leadership', leaseMs: Number(lease),
  onAcquired: () => void process.stdout.write(`acquired ${leadership.token}\n`),
  onLost: (reason) => void process.stdout.write(`lost ${reason}\n`),
});
void leadership.start().then(() => process.stdout.write('started\n'));
process.once('SIGTERM', () => void leadership.stop().then(() => process.exit(0)));
