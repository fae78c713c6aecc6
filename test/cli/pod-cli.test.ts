import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Devnet } from '../ledger/support';
import { PROJECT_ROOT } from '../support/lading';

/** `npx lading pod …` against devnet, as a consignee's operator would run it. */

let devnet: Devnet;

beforeAll(async () => {
  devnet = await Devnet.start();
}, 120_000);

afterAll(async () => {
  await devnet?.dispose();
});

function lading(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'lading.js'), ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const as = (org: string): string[] => ['--devnet', devnet.dir, '--peer', devnet.address, '--org', org];

describe('lading pod', () => {
  it('signs a POD as the consignee and verifies it', async () => {
    const signed = await lading(['pod', 'sign', ...as('ConsigneeMSP'), '--shipment', 'S4HCLNT100/0080123456', '--received-at', '2026-11-30T11:05:00+01:00', '--item', '10=5:PC', '--item', '20=2', '--json']);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    const receipt = JSON.parse(signed.stdout) as { eventId: string; transactionId: string; signedBy: string };
    expect(receipt).toMatchObject({ signedBy: 'ConsigneeMSP', transactionId: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const verified = await lading(['pod', 'verify', ...as('FinanceMSP'), '--event', receipt.eventId, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ eventId: receipt.eventId, valid: true, signer: { mspId: 'ConsigneeMSP' } });
  });

  it('refuses a carrier signing a POD, on one line, exit 1', async () => {
    const refused = await lading(['pod', 'sign', ...as('CarrierMSP'), '--shipment', 'S4HCLNT100/0080123457', '--received-at', '2026-11-30T11:05:00Z', '--item', '10=5']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('CarrierMSP');
  });

  it('answers wrong usage with exit 2 and the usage text', async () => {
    const wrong = await lading(['pod', 'sign', ...as('ConsigneeMSP'), '--shipment', 'S4HCLNT100/0080123458', '--received-at', '2026-11-30T11:05:00Z', '--item', 'ten']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--item "ten"');
    expect(wrong.stderr).toContain('Usage: lading');
  });
});
