/**
 * What every devnet RPC handler shares: the refusal fault, conversion of thrown errors into
 * gateway errors, cancellation signals, and Fabric's signed-request check.
 */
import { status, type handleUnaryCall, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Faults } from '../admin/faults';
import { IdentityError, type MspRegistry } from '../identity/msp';
import { GatewayRpcError, toRpcError } from '../protocol/errors';

export const REFUSED_MESSAGE = 'connection refused by devnet fault injection';

/** What decides whether a peer refuses calls: the refusal fault, or (multi-peer) this peer being stopped. */
export interface RefusalSource {
  faults: Faults;
  /** True while this peer is stopped (multi-peer devnet). */
  down?: () => boolean;
}

export function refused(options: RefusalSource): boolean {
  return options.faults.refusing() || options.down?.() === true;
}

/** Wraps a unary handler: refusal fault, error conversion, one place for the callback. */
export function unary<Req, Res>(
  options: RefusalSource & { shutdown: AbortSignal },
  fallback: status,
  run: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    if (refused(options)) {
      callback(new GatewayRpcError(status.UNAVAILABLE, REFUSED_MESSAGE));
      return;
    }
    run(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) =>
        callback(options.shutdown.aborted && !(err instanceof GatewayRpcError) ? new GatewayRpcError(status.UNAVAILABLE, 'devnet is shutting down') : toRpcError(err, fallback)),
    );
  };
}

/** An AbortSignal that fires when the client cancels the call or devnet shuts down. */
export function callSignal(call: { on(event: 'cancelled', listener: () => void): unknown }, shutdown: AbortSignal): AbortSignal {
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort(new Error('call cancelled')));
  return AbortSignal.any([controller.signal, shutdown]);
}

/**
 * Runs `work` with a signal that fires when the client cancels the call or devnet shuts down, and
 * detaches from the long-lived shutdown signal afterwards. For unary calls: cheaper than
 * callSignal's AbortSignal.any, which every CommitStatus would otherwise pay.
 */
export async function withCallSignal<T>(
  call: { on(event: 'cancelled', listener: () => void): unknown },
  shutdown: AbortSignal,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (shutdown.aborted) return work(shutdown);
  const controller = new AbortController();
  const onShutdown = (): void => controller.abort(shutdown.reason);
  shutdown.addEventListener('abort', onShutdown, { once: true });
  call.on('cancelled', () => controller.abort(new Error('call cancelled')));
  try {
    return await work(controller.signal);
  } finally {
    shutdown.removeEventListener('abort', onShutdown);
  }
}

/** Fabric's SignedData check behind the gateway ACLs; failures are PERMISSION_DENIED. */
export function checkSignedRequest(msps: MspRegistry, identity: Uint8Array, data: Uint8Array, signature: Uint8Array): void {
  try {
    msps.verifySignedData(identity, data, signature);
  } catch (err) {
    if (err instanceof IdentityError) throw new GatewayRpcError(status.PERMISSION_DENIED, `failed evaluating policy on signed data during check policy [/Channel/Application/Readers]: ${err.message}`);
    throw err;
  }
}
