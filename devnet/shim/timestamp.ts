/**
 * google.protobuf.Timestamp from the google-protobuf copy that @hyperledger/fabric-protos uses.
 * google-protobuf ships no type declarations, so the one class needed is declared by its use.
 */
interface TimestampMessage {
  setSeconds(value: number): void;
  setNanos(value: number): void;
}

interface TimestampModule {
  Timestamp: new () => TimestampMessage;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS module
const { Timestamp } = require('google-protobuf/google/protobuf/timestamp_pb') as TimestampModule;

export type ProtoTimestamp = TimestampMessage;

export function toProtoTimestamp(date: Date): ProtoTimestamp {
  const millis = date.getTime();
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(millis / 1000));
  timestamp.setNanos((millis % 1000) * 1_000_000);
  return timestamp;
}
