/**
 * Entry point for fabric-chaincode-node (package.json "main"): it starts the contracts listed
 * in `contracts`; the first is the default for function names without a "Contract:" prefix.
 */
import { ShipmentContract } from './shipment-contract';
import { skipShimDebugFormatting } from './shim-logging';

// Before the first transaction: the shim's per-message debug lines cost CPU even when dropped (shim-logging.ts).
skipShimDebugFormatting();

export { ShipmentContract };
export const contracts: Array<typeof ShipmentContract> = [ShipmentContract];
