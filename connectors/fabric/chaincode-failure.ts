/**
 * Reads a chaincode failure out of a gateway error. This is the ONLY place in the connector that
 * looks at message text, because Fabric gives no other signal: the gateway reports a chaincode
 * status >= 400 as gRPC ABORTED (endorse) or UNKNOWN (evaluate) whose per-peer detail — or, when
 * no detail is attached, the message itself — reads "chaincode response <status>, <message>",
 * and the chaincode's message is the only thing that says why it refused.
 */
import type { GatewayError } from '@hyperledger/fabric-gateway';

/** Why the contract refused, as far as its message tells. */
export type ContractRejectionReason = 'invalid' | 'forbidden' | 'conflict' | 'not-found' | 'rejected';

export interface ChaincodeFailure {
  status: number;
  message: string;
  reason: ContractRejectionReason;
}

/** Fabric's wording for a failed chaincode response (core/endorser and internal/pkg/gateway). */
const CHAINCODE_RESPONSE = /chaincode response (\d{3}), ?([\s\S]*)$/;

/**
 * Reasons by the chaincode's own wording (chaincode/src/errors.ts: each refusal leads with
 * "invalid", "access denied" or "conflict", or ends with "not found"), first match wins.
 */
const REASON_PATTERNS: ReadonlyArray<readonly [ContractRejectionReason, RegExp]> = [
  ['forbidden', /^access denied\b/i],
  ['conflict', /^conflict\b/i],
  ['invalid', /^invalid\b/i],
  ['not-found', /\bnot found$/i],
];

/** The chaincode failure inside a gateway error, or undefined when the chaincode did not fail. */
export function chaincodeFailureOf(err: GatewayError): ChaincodeFailure | undefined {
  const texts = [...err.details.map((detail) => detail.message), err.message];
  for (const text of texts) {
    const match = CHAINCODE_RESPONSE.exec(text);
    if (match === null) continue;
    const status = Number(match[1]);
    if (status < 400) continue;
    const message = (match[2] ?? '').trim();
    return { status, message, reason: reasonOf(message) };
  }
  return undefined;
}

function reasonOf(message: string): ContractRejectionReason {
  return REASON_PATTERNS.find(([, pattern]) => pattern.test(message))?.[0] ?? 'rejected';
}
