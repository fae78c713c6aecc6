/**
 * Wires one devnet: identities, ledger, orderer, chaincode, gRPC services and the admin API,
 * and takes them down in reverse order.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { gateway, msp, peer } from '@hyperledger/fabric-protos';
import { startAdminServer, type AdminServer, type AdminStatus } from './admin/http';
import { Faults } from './admin/faults';
import { startChaincode, type StartedChaincode } from './chaincode/runtime';
import { ConfigError, type ResolvedConfig } from './config';
import { ensureOrgs, type OrgMaterial } from './identity/ca';
import { signerOf } from './identity/ecdsa';
import { MspRegistry } from './identity/msp';
import { CollectionPolicy, loadCollections } from './ledger/collections';
import { Ledger } from './ledger/ledger';
import { Orderer } from './ledger/orderer';
import { GatewayRpcError } from './protocol/errors';
import type { Endorser } from './protocol/prepare';
import { deliverHandlers } from './server/deliver';
import { EndorsementCollector } from './server/collect';
import { ProposalProcessor } from './server/endorser';
import { PeerSet, type PeerNode } from './server/peers';
import { gatewayHandlers } from './server/gateway';
import { StreamRegistry } from './server/streams';
import type { ChaincodeRuntime } from './shim/types';

export interface PeerEndpoint {
  mspId: string;
  port: number;
  /** host:port of that organisation's peer (Gateway and Deliver). */
  address: string;
}

export interface RunningDevnet {
  /** The gRPC port actually bound. */
  port: number;
  /** host:port for the gateway client. */
  address: string;
  /** Base URL of the admin API (e.g. http://127.0.0.1:7060), undefined when disabled. */
  adminUrl: string | undefined;
  /** Absolute data directory. */
  dir: string;
  channel: string;
  chaincode: string;
  /** The organisations; credentials are in `orgPaths(dir, mspId)`. */
  mspIds: string[];
  /** Multi-peer devnet: each organisation's peer endpoint (the first is `address`); empty when one peer serves every organisation. */
  peers: PeerEndpoint[];
  /** Flushes pending transactions, ends streams, stops the chaincode process and closes the ledger. */
  stop(): Promise<void>;
}

function endorserOf(org: OrgMaterial): Endorser {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(org.mspId);
  identity.setIdBytes(Buffer.from(org.peer.certPem));
  return { identity: identity.serializeBinary(), sign: signerOf(createPrivateKey(org.peer.keyPem)) };
}

function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolvePort, reject) => server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolvePort(port))));
}

function shutdownServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      done();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      done();
    });
  });
}

/** Undo steps registered as resources come up, run in reverse. */
class Teardown {
  readonly #steps: Array<() => Promise<void> | void> = [];
  add(step: () => Promise<void> | void): void {
    this.#steps.push(step);
  }
  async run(log: (line: string) => void): Promise<void> {
    for (const step of this.#steps.reverse()) {
      try {
        await step();
      } catch (err) {
        log(`shutdown step failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.#steps.length = 0;
  }
}

export async function runDevnet(config: ResolvedConfig): Promise<RunningDevnet> {
  const dir = resolve(config.dir);
  const teardown = new Teardown();
  try {
    const orgs = await ensureOrgs(dir, undefined, config.identityAlgorithmOf);
    const msps = new MspRegistry(orgs);
    const faults = new Faults(config.faults);
    const streams = new StreamRegistry();
    const shutdown = new AbortController();

    const endorsers = new Map(orgs.map((org) => [org.mspId, endorserOf(org)]));

    // Multi-peer: one node per listed organisation, each served on its own endpoint; checked before anything starts.
    const nodes: PeerNode[] = (config.peers ?? []).map((mspId) => {
      const endorser = endorsers.get(mspId);
      if (!endorser) throw new ConfigError(`peers names ${mspId}, which is not an organisation of this devnet (${msps.mspIds.join(', ')})`);
      return { mspId, address: '', endorser, streams: new StreamRegistry(), stopped: false, tamperEndorsements: 0 };
    });

    // Teardown runs in reverse: admin API, orderer flush, end waits and streams, gRPC server, chaincode, ledger.
    const ledger = await Ledger.open({ dir, channelId: config.channel, msps, orgs, endorsementPolicy: config.endorsementPolicy });
    teardown.add(() => ledger.close());
    const orderer = new Orderer(ledger, faults, { blockSize: config.blockSize, blockTimeoutMs: config.blockTimeoutMs, log: config.log });

    let chaincode: StartedChaincode | undefined;
    if (config.chaincode !== false) {
      chaincode = await startChaincode({ source: config.chaincode, name: config.chaincodeName, version: config.chaincodeVersion, peerMspId: config.peerMspId, logLevel: config.chaincodeLogLevel, log: config.log });
      const started = chaincode;
      teardown.add(() => started.stop());
    }
    const runtime = async (): Promise<ChaincodeRuntime> => {
      if (!chaincode) throw new Error(`chaincode ${config.chaincodeName} is not running on this devnet`);
      return chaincode.runtime;
    };

    const policy = new CollectionPolicy(config.chaincodeName, loadCollections(config.collectionsPath));
    const processor = new ProposalProcessor({ channelId: config.channel, chaincodeName: config.chaincodeName, ledger, msps, policy, faults, runtime });
    const credentials = config.tls
      ? ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(config.tls.certPath), private_key: readFileSync(config.tls.keyPath) }], false)
      : ServerCredentials.createInsecure();
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const peers = nodes.length > 0 ? new PeerSet(nodes, (node) => node.streams.dropAll(new GatewayRpcError(status.UNAVAILABLE, `peer ${node.mspId} stopped by devnet`))) : undefined;
    const collector = peers
      ? new EndorsementCollector({ channelId: config.channel, chaincodeName: config.chaincodeName, chaincodeVersion: config.chaincodeVersion, processor, ledger, peers, policy: config.endorsementPolicy })
      : undefined;

    /** One peer's gRPC server: Gateway and Deliver; `node` undefined is the single peer serving every organisation. */
    const servePeer = async (node: PeerNode | undefined, requestedPort: number): Promise<{ port: number; address: string }> => {
      const server = new Server();
      let address = '';
      const peerStreams = node?.streams ?? streams;
      const down = node ? () => node.stopped : undefined;
      server.addService(
        gateway.GatewayService,
        gatewayHandlers({
          address: () => address,
          channelId: config.channel,
          chaincodeName: config.chaincodeName,
          chaincodeVersion: config.chaincodeVersion,
          processor,
          ledger,
          orderer,
          msps,
          faults,
          streams: peerStreams,
          endorsers,
          shutdown: shutdown.signal,
          multiPeer: node && collector && peers ? { localMspId: node.mspId, collector, peers } : undefined,
          down,
        }),
      );
      server.addService(peer.DeliverService, deliverHandlers({ channelId: config.channel, ledger, policy, msps, faults, streams: peerStreams, shutdown: shutdown.signal, down }));
      const port = await bind(server, `${config.host}:${requestedPort}`, credentials);
      teardown.add(() => shutdownServer(server, 1000));
      address = `${shownHost}:${port}`;
      if (node) node.address = address;
      return { port, address };
    };

    const endpoints: PeerEndpoint[] = [];
    let main: { port: number; address: string };
    if (nodes.length === 0) {
      main = await servePeer(undefined, config.port);
    } else {
      for (const [i, node] of nodes.entries()) {
        const bound = await servePeer(node, config.port === 0 ? 0 : config.port + i);
        endpoints.push({ mspId: node.mspId, ...bound });
      }
      main = endpoints[0] ?? { port: 0, address: '' };
    }
    const { port, address } = main;
    teardown.add(() => shutdown.abort(new Error('devnet is shutting down')));
    teardown.add(() => orderer.close());

    const allStreams = [streams, ...nodes.map((node) => node.streams)];
    const dropStreams = (): number =>
      allStreams.reduce((dropped, registry) => dropped + registry.dropAll(new GatewayRpcError(status.UNAVAILABLE, 'stream dropped by devnet fault injection')), 0);
    let admin: AdminServer | undefined;
    if (config.adminPort !== false) {
      const adminStatus = (): AdminStatus => ({
        channel: config.channel,
        chaincode: config.chaincodeName,
        height: ledger.height,
        transactions: ledger.state.countTransactions(),
        openStreams: allStreams.reduce((open, registry) => open + registry.size, 0),
        chaincodePid: chaincode?.pid() ?? null,
        faults: faults.status(),
        ...(peers ? { peers: peers.status() } : {}),
      });
      admin = await startAdminServer({ faults, status: adminStatus, dropStreams, peers }, config.adminPort);
      const started = admin;
      teardown.add(() => started.close());
    }

    let stopping: Promise<void> | undefined;
    return {
      port,
      address,
      adminUrl: admin?.url,
      dir,
      channel: config.channel,
      chaincode: config.chaincodeName,
      mspIds: msps.mspIds,
      peers: endpoints,
      stop: () => (stopping ??= teardown.run(config.log)),
    };
  } catch (err) {
    await teardown.run(config.log);
    throw err;
  }
}
