/**
 * The one place that opens a connection to a Fabric Gateway: gRPC client, signing identity,
 * gateway, network and contract. Everything else receives a LedgerConnection.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  type Contract,
  type Gateway,
  type Hash,
  type Identity,
  type Network,
  type Signer,
} from '@hyperledger/fabric-gateway';
import { FabricConfigError, type FabricConfig, type IdentityAlgorithm } from './config';
import { ecdsaSigning } from './ecdsa';
import { keyAlgorithm, newSm2Hash, newSm2Signer } from './sm2';

export interface LedgerConnection {
  readonly config: FabricConfig;
  readonly identity: Identity;
  readonly gateway: Gateway;
  readonly network: Network;
  /** The chaincode's default contract. */
  readonly contract: Contract;
  /** Signs a digest as this identity (used to keep prepared transactions signed). */
  readonly sign: Signer;
  /** Closes the gateway, then the gRPC client: reverse order of opening. Idempotent. */
  close(): void;
}

/*
 * A Fabric peer enforces a minimum keepalive interval (peer.keepalive.minInterval, 60 s by
 * default) and answers more frequent pings with GOAWAY "too_many_pings"; 2 minutes stays clear of
 * that while still noticing a dead connection behind a load balancer.
 */
const KEEPALIVE_OPTIONS: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 120_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.http2.max_pings_without_data': 0,
};

/**
 * Opens a connection. Rejects with FabricConfigError when the certificate and key do not belong
 * together. No RPC is made yet: an unreachable peer shows on the first call.
 */
export async function connectLedger(config: FabricConfig): Promise<LedgerConnection> {
  const [certificate, keyPem, tlsCa] = await Promise.all([
    readFile(config.certPath),
    readFile(config.keyPath),
    config.tlsCaCertPath === undefined ? Promise.resolve(undefined) : readFile(config.tlsCaCertPath),
  ]);
  const identity: Identity = { mspId: config.mspId, credentials: certificate };
  const { sign, digest } = signingFor(config.identityAlgorithm ?? 'ecdsa', matchingPrivateKey(certificate, keyPem, config.identityAlgorithm ?? 'ecdsa'));

  const client = newGrpcClient(config, tlsCa);
  const gateway = connect({
    client,
    identity,
    signer: sign,
    hash: digest,
    evaluateOptions: deadlineAfter(config.timeouts.evaluateMs),
    endorseOptions: deadlineAfter(config.timeouts.endorseMs),
    submitOptions: deadlineAfter(config.timeouts.submitMs),
    commitStatusOptions: deadlineAfter(config.timeouts.commitStatusMs),
  });
  const network = gateway.getNetwork(config.channel);
  const contract = network.getContract(config.chaincode);

  let closed = false;
  return {
    config,
    identity,
    gateway,
    network,
    contract,
    sign,
    close(): void {
      if (closed) return;
      closed = true;
      gateway.close();
      client.close();
    },
  };
}

/**
 * fabric-gateway's split: `hash` makes the digest, `signer` signs it. ECDSA: SHA-256 and low-S
 * ECDSA in one OpenSSL call. SM2: SM3 over Z ‖ message (Z from the identity's public key), then SM2 over that.
 */
function signingFor(algorithm: IdentityAlgorithm, key: KeyObject): { sign: Signer; digest: Hash } {
  if (algorithm === 'sm2') return { sign: newSm2Signer(key), digest: newSm2Hash(key) };
  // OpenSSL's ECDSA (ecdsa.ts): it hashes as it signs, so the digest step is hash.none.
  return ecdsaSigning(key);
}

const ALGORITHM_NAMES: Record<IdentityAlgorithm, string> = { ecdsa: 'ECDSA', sm2: 'SM2' };

/**
 * The private key, checked against the certificate and the configured algorithm now: a mismatch
 * would otherwise only show as signature failures on the first transaction, far from its cause.
 */
function matchingPrivateKey(certificatePem: Buffer, keyPem: Buffer, algorithm: IdentityAlgorithm): KeyObject {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw new FabricConfigError('FABRIC_CERT_PATH', 'is not a PEM X.509 certificate');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new FabricConfigError('FABRIC_KEY_PATH', 'is not a readable PEM private key');
  }
  const certified = keyAlgorithm(certificate.publicKey);
  if (certified !== algorithm && (certified === 'sm2' || algorithm === 'sm2')) {
    const shown = certified === 'other' ? `a ${certificate.publicKey.asymmetricKeyType ?? 'non-EC'}` : `an ${ALGORITHM_NAMES[certified]}`;
    throw new FabricConfigError(
      'FABRIC_IDENTITY_ALGORITHM',
      `is ${algorithm}${algorithm === 'ecdsa' ? ' (the default)' : ''} but the certificate in FABRIC_CERT_PATH has ${shown} key: set FABRIC_IDENTITY_ALGORITHM=${certified === 'sm2' ? 'sm2' : 'ecdsa'}`,
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new FabricConfigError('FABRIC_KEY_PATH', 'does not belong to the certificate in FABRIC_CERT_PATH');
  }
  return key;
}

function newGrpcClient(config: FabricConfig, tlsCa: Buffer | undefined): grpc.Client {
  const credentials = tlsCa === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(tlsCa);
  const options: grpc.ChannelOptions = { ...KEEPALIVE_OPTIONS };
  if (config.peerHostAlias !== undefined) {
    options['grpc.ssl_target_name_override'] = config.peerHostAlias;
    options['grpc.default_authority'] = config.peerHostAlias;
  }
  return new grpc.Client(config.peerEndpoint, credentials, options);
}

/** A fresh deadline per call: the gateway asks for call options each time it makes one. */
function deadlineAfter(ms: number): () => grpc.CallOptions {
  return () => ({ deadline: Date.now() + ms });
}
