/**
 * Endorsement policies as devnet reads and evaluates them (Fabric's signature-policy syntax and
 * cauthdsl rules), the layouts the gateway walks, and the configuration that switches a devnet
 * to several peers: explicit options, DEVNET_PEERS / DEVNET_ENDORSEMENT_POLICY, and the
 * one-line errors for what cannot work. A devnet started without peers keeps its single peer.
 */
import { rmSync } from 'node:fs';
import { ConfigError, optionsFromEnv, parsePolicy, satisfies, startDevnet } from '../../devnet/index';
import { resolveConfig } from '../../devnet/config';
import { layouts, PolicySyntaxError, policyOrgs } from '../../devnet/policy/endorsement';
import { admin, tempDir } from './support';

const ORGS = ['ShipperMSP', 'CarrierMSP', 'BrokerMSP', 'ConsigneeMSP'];
const peerOf = (mspId: string): { mspId: string; roles: string[] } => ({ mspId, roles: ['peer'] });
const clientOf = (mspId: string): { mspId: string; roles: string[] } => ({ mspId, roles: ['client'] });

describe('parsing', () => {
  test('AND, OR and OutOf, nested, with either quote', () => {
    expect(parsePolicy("AND('ShipperMSP.peer', 'CarrierMSP.member')", ORGS)).toEqual({
      kind: 'outOf',
      n: 2,
      rules: [
        { kind: 'principal', mspId: 'ShipperMSP', role: 'peer' },
        { kind: 'principal', mspId: 'CarrierMSP', role: 'member' },
      ],
    });
    const nested = parsePolicy(`OR("ShipperMSP.peer", OutOf(2, 'CarrierMSP.peer', 'BrokerMSP.peer', 'ConsigneeMSP.peer'))`, ORGS);
    expect(nested).toMatchObject({ kind: 'outOf', n: 1, rules: [{ kind: 'principal' }, { kind: 'outOf', n: 2 }] });
    expect(policyOrgs(nested)).toEqual(ORGS);
  });

  test('MAJORITY is a majority of the peer organisations', () => {
    expect(parsePolicy('MAJORITY', ORGS)).toMatchObject({ kind: 'outOf', n: 3 });
    expect(parsePolicy('majority', ['ShipperMSP', 'CarrierMSP', 'BrokerMSP'])).toMatchObject({ kind: 'outOf', n: 2 });
  });

  test.each([
    ["AND('ShipperMSP.peer'", 'unexpected end of policy'],
    ["AND('ShipperMSP.peer') extra", "unexpected 'extra'"],
    ["XOR('ShipperMSP.peer')", "unknown operator 'XOR'"],
    ["AND('ShipperMSP.orderer')", "principal 'ShipperMSP.orderer' must be 'MSPID.role'"],
    ["AND('ShipperMSP')", "principal 'ShipperMSP' must be 'MSPID.role'"],
    ["OutOf(3, 'ShipperMSP.peer', 'CarrierMSP.peer')", 'OutOf(3, …) needs between 1 and 2'],
    ["OutOf(0, 'ShipperMSP.peer')", 'OutOf(0, …) needs between 1 and 1'],
    ["AND('ShipperMSP.peer' 'CarrierMSP.peer')", "expected ',' or ')'"],
    ["AND('ShipperMSP.peer)", 'unterminated principal'],
    ['AND(ShipperMSP.peer)', "unexpected '.' at 14"],
    ["AND('A.peer';)", "unexpected ';'"],
  ])('%s is refused: %s', (source, message) => {
    expect(() => parsePolicy(source, ORGS)).toThrow(PolicySyntaxError);
    expect(() => parsePolicy(source, ORGS)).toThrow(message);
  });
});

describe('evaluation', () => {
  const and = parsePolicy("AND('ShipperMSP.peer','CarrierMSP.peer')", ORGS);

  test('AND needs both peers; a client identity of the org does not stand in for its peer', () => {
    expect(satisfies(and, [peerOf('ShipperMSP'), peerOf('CarrierMSP')])).toBe(true);
    expect(satisfies(and, [peerOf('CarrierMSP')])).toBe(false);
    expect(satisfies(and, [peerOf('CarrierMSP'), clientOf('ShipperMSP')])).toBe(false);
    expect(satisfies(and, [])).toBe(false);
  });

  test('member accepts any identity of the org; one signature satisfies one principal only', () => {
    const members = parsePolicy("AND('CarrierMSP.member','CarrierMSP.member')", ORGS);
    expect(satisfies(members, [clientOf('CarrierMSP')])).toBe(false);
    expect(satisfies(members, [clientOf('CarrierMSP'), peerOf('CarrierMSP')])).toBe(true);
  });

  test('OutOf counts satisfied rules', () => {
    const twoOfThree = parsePolicy("OutOf(2, 'ShipperMSP.peer','CarrierMSP.peer','BrokerMSP.peer')", ORGS);
    expect(satisfies(twoOfThree, [peerOf('BrokerMSP'), peerOf('CarrierMSP')])).toBe(true);
    expect(satisfies(twoOfThree, [peerOf('BrokerMSP'), peerOf('ConsigneeMSP')])).toBe(false);
  });

  test('layouts are the minimal sets of peer organisations, smallest first', () => {
    expect(layouts(and, ORGS)).toEqual([['ShipperMSP', 'CarrierMSP']]);
    expect(layouts(parsePolicy("OR('BrokerMSP.peer', AND('ShipperMSP.peer','CarrierMSP.peer'))", ORGS), ORGS)).toEqual([['BrokerMSP'], ['ShipperMSP', 'CarrierMSP']]);
    expect(layouts(parsePolicy("OutOf(2, 'ShipperMSP.peer','CarrierMSP.peer','BrokerMSP.peer')", ORGS), ORGS)).toEqual([
      ['ShipperMSP', 'CarrierMSP'],
      ['ShipperMSP', 'BrokerMSP'],
      ['CarrierMSP', 'BrokerMSP'],
    ]);
    // An org without a peer can never endorse.
    expect(layouts(parsePolicy("AND('ShipperMSP.peer','FinanceMSP.peer')", ORGS), ORGS)).toEqual([]);
  });
});

describe('configuration', () => {
  test('DEVNET_PEERS and DEVNET_ENDORSEMENT_POLICY', () => {
    const env = { DEVNET_PEERS: 'ShipperMSP, CarrierMSP,BrokerMSP', DEVNET_ENDORSEMENT_POLICY: "OR('ShipperMSP.peer','CarrierMSP.peer')" };
    expect(optionsFromEnv(env)).toMatchObject({ peers: ['ShipperMSP', 'CarrierMSP', 'BrokerMSP'], endorsementPolicy: "OR('ShipperMSP.peer','CarrierMSP.peer')" });
    const config = resolveConfig({}, env);
    expect(config.peers).toEqual(['ShipperMSP', 'CarrierMSP', 'BrokerMSP']);
    expect(config.endorsementPolicy).toMatchObject({ kind: 'outOf', n: 1 });
    // Explicit options win over the environment.
    expect(resolveConfig({ endorsementPolicy: 'MAJORITY' }, env).endorsementPolicy).toMatchObject({ n: 2 });
  });

  test('without peers, devnet keeps its single peer and no policy', () => {
    const config = resolveConfig({}, {});
    expect(config.peers).toBeUndefined();
    expect(config.endorsementPolicy).toBeUndefined();
  });

  test.each([
    [{ endorsementPolicy: "AND('ShipperMSP.peer')" }, 'needs several peers'],
    [{ peers: [] as string[] }, 'must name at least one organisation'],
    [{ peers: ['ShipperMSP', 'ShipperMSP'] }, 'names an organisation twice'],
    [{ peers: ['ShipperMSP'], endorsementPolicy: 'AND(' }, 'endorsement policy (DEVNET_ENDORSEMENT_POLICY) "AND(": unexpected end of policy'],
    [{ peers: ['ShipperMSP'], endorsementPolicy: "AND('ShipperMSP.peer','CarrierMSP.peer')" }, 'cannot be satisfied by the peers of ShipperMSP'],
  ])('%j stops start-up: %s', (options, message) => {
    expect(() => resolveConfig(options, {})).toThrow(ConfigError);
    expect(() => resolveConfig(options, {})).toThrow(message);
  });

  test('a peer for an organisation the devnet does not have stops start-up', async () => {
    const dir = tempDir();
    try {
      await expect(startDevnet({ port: 0, adminPort: false, dir, chaincode: false, peers: ['ShipperMSP', 'AcmeMSP'], log: () => undefined })).rejects.toThrow(
        'peers names AcmeMSP, which is not an organisation of this devnet',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a single-peer devnet has no peer endpoints and no /peers admin route', async () => {
    const dir = tempDir();
    const devnet = await startDevnet({ port: 0, adminPort: 0, dir, chaincode: false, log: () => undefined });
    try {
      expect(devnet.peers).toEqual([]);
      const peers = await admin(devnet, 'GET', '/peers');
      expect(peers.status).toBe(404);
      expect(peers.json.error).toContain('one peer for every organisation');
      expect((await admin(devnet, 'GET', '/status')).json.peers).toBeUndefined();
    } finally {
      await devnet.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
