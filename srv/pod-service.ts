import cds from '@sap/cds';
import { readFile } from 'node:fs/promises';
import { LedgerError } from '../connectors/fabric';
import { runningLedgerSide } from './running';
import { podSignerConfig, withPodSigner } from './pod-signer';

interface PodItemInput {
  itemNumber: string;
  quantity: number | string;
  unit?: string;
}

export default class ProofOfDeliveryService extends cds.ApplicationService {
  override init(): Promise<void> {
    this.on('sign', async (req) => {
      const { shipmentId, receivedAt, items, remarks } = req.data as { shipmentId?: string; receivedAt?: string; items?: PodItemInput[]; remarks?: string };
      if (!shipmentId || !shipmentId.includes('/')) return req.reject(400, 'shipmentId must be <sender partner>/<delivery number>', 'shipmentId');
      if (!receivedAt) return req.reject(400, 'receivedAt is required', 'receivedAt');
      if (!items || items.length === 0) return req.reject(400, 'items must list what was received', 'items');
      try {
        const config = podSignerConfig(runningLedgerSide());
        return await withPodSigner(config, async (ledger, keyPath) => {
          const receipt = await ledger.signProofOfDelivery({
            shipmentId, deliveryNumber: shipmentId.slice(shipmentId.indexOf('/') + 1), receivedAt: new Date(receivedAt).toISOString(),
            items: items.map((item) => ({ itemNumber: item.itemNumber, quantity: Number(item.quantity), unit: item.unit ?? 'PC' })),
            ...(remarks ? { remarks } : {}),
          }, { privateKeyPem: await readFile(keyPath, 'utf8') });
          return { eventId: receipt.eventId, transactionId: receipt.transactionId, blockNumber: Number(receipt.blockNumber) };
        });
      } catch (error) {
        if (error instanceof LedgerError && error.retry === 'never') return req.reject(422, error.message);
        throw error;
      }
    });

    this.on('verify', async (req) => {
      const { eventId } = req.data as { eventId?: string };
      if (!eventId) return req.reject(400, 'eventId is required', 'eventId');
      try {
        const verification = await withPodSigner(podSignerConfig(runningLedgerSide()), (ledger) => ledger.verifyProofOfDelivery(eventId));
        return {
          eventId: verification.eventId, valid: verification.valid, signerMspId: verification.signer?.mspId,
          signerSubject: verification.signer?.subject, fingerprint256: verification.signer?.fingerprint256,
          signedPayloadHash: verification.signedPayloadHash, reason: verification.reason,
        };
      } catch (error) {
        if (error instanceof LedgerError && error.retry === 'never') return req.reject(404, error.message);
        throw error;
      }
    });

    return super.init();
  }
}
