/**
 * gRPC errors shaped like Fabric's gateway: a status code, a message, and the
 * `grpc-status-details-bin` trailer holding google.rpc.Status with gateway.ErrorDetail entries,
 * which is what the fabric-gateway client turns into EndorseError / SubmitError / ... details.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { gateway, google } from '@hyperledger/fabric-protos';
import { packAny } from './wellknown';

export interface ErrorDetail {
  address: string;
  mspId: string;
  message: string;
}

const ERROR_DETAIL_TYPE_URL = 'type.googleapis.com/gateway.ErrorDetail';

/** An error to hand to a grpc-js callback or stream.destroy(). */
export class GatewayRpcError extends Error implements ServiceError {
  override readonly name = 'GatewayRpcError';
  readonly code: status;
  readonly details: string;
  readonly metadata: Metadata;

  constructor(code: status, message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.code = code;
    this.details = message;
    this.metadata = statusMetadata(code, message, details);
  }
}

function statusMetadata(code: status, message: string, details: readonly ErrorDetail[]): Metadata {
  const rpcStatus = new google.rpc.Status();
  rpcStatus.setCode(code);
  rpcStatus.setMessage(message);
  rpcStatus.setDetailsList(
    details.map((detail) => {
      const pb = new gateway.ErrorDetail();
      pb.setAddress(detail.address);
      pb.setMspId(detail.mspId);
      pb.setMessage(detail.message);
      return packAny(ERROR_DETAIL_TYPE_URL, pb.serializeBinary());
    }),
  );
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(rpcStatus.serializeBinary()));
  return metadata;
}

/** Converts anything thrown inside a handler into a gateway error, keeping gateway errors as they are. */
export function toRpcError(err: unknown, fallback: status, detail?: Omit<ErrorDetail, 'message'>): GatewayRpcError {
  if (err instanceof GatewayRpcError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayRpcError(fallback, message, detail ? [{ ...detail, message }] : []);
}
