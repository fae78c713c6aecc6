/**
 * Block 0: a CONFIG transaction naming the channel's organisations and their CA certificates,
 * so that block numbering matches a real channel (first application transaction in block 1)
 * and a reader of the chain can find the MSPs. Policies and orderer config are left out.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import { timestampFromDate } from './../protocol/wellknown';

/** jspb.Map is untyped (google-protobuf has no declarations); this is the one method used. */
interface ProtoMap<V> {
  set(key: string, value: V): unknown;
}

function mspValue(mspId: string, caCertPem: string): common.ConfigValue {
  const fabricConfig = new msp.FabricMSPConfig();
  fabricConfig.setName(mspId);
  fabricConfig.setRootCertsList([Buffer.from(caCertPem)]);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0); // FABRIC
  mspConfig.setConfig(fabricConfig.serializeBinary());
  const value = new common.ConfigValue();
  value.setValue(mspConfig.serializeBinary());
  value.setModPolicy('Admins');
  return value;
}

export function genesisEnvelope(channelId: string, orgs: ReadonlyArray<{ mspId: string; caCertPem: string }>, now: Date): Uint8Array {
  const application = new common.ConfigGroup();
  application.setModPolicy('Admins');
  for (const org of orgs) {
    const group = new common.ConfigGroup();
    group.setModPolicy('Admins');
    (group.getValuesMap() as ProtoMap<common.ConfigValue>).set('MSP', mspValue(org.mspId, org.caCertPem));
    (application.getGroupsMap() as ProtoMap<common.ConfigGroup>).set(org.mspId, group);
  }
  const channelGroup = new common.ConfigGroup();
  channelGroup.setModPolicy('Admins');
  (channelGroup.getGroupsMap() as ProtoMap<common.ConfigGroup>).set('Application', application);

  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channelGroup);
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId(channelId);
  channelHeader.setTimestamp(timestampFromDate(now));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(new common.SignatureHeader().serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}
