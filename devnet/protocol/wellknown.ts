/**
 * Typed access to the two google-protobuf well-known types devnet needs (Any, Timestamp).
 * google-protobuf 3.21 ships no type declarations, so the generated Fabric messages see these
 * as untyped; this module is the single place that pins their shape.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

export interface TimestampMessage {
  getSeconds(): number;
  getNanos(): number;
  setSeconds(value: number): void;
  setNanos(value: number): void;
  toDate(): Date;
  serializeBinary(): Uint8Array;
}

export interface AnyMessage {
  setTypeUrl(value: string): void;
  setValue(value: Uint8Array): void;
  serializeBinary(): Uint8Array;
}

interface TimestampModule {
  Timestamp: { new (): TimestampMessage; fromDate(date: Date): TimestampMessage };
}
interface AnyModule {
  Any: new () => AnyMessage;
}

const timestampModule = require('google-protobuf/google/protobuf/timestamp_pb') as TimestampModule;
const anyModule = require('google-protobuf/google/protobuf/any_pb') as AnyModule;

export function timestampFromDate(date: Date): TimestampMessage {
  return timestampModule.Timestamp.fromDate(date);
}

/** Reads a Timestamp field of a generated message; the generated getter is untyped. */
export function timestampToDate(value: unknown): Date | undefined {
  if (value instanceof timestampModule.Timestamp) {
    return value.toDate();
  }
  return undefined;
}

export function packAny(typeUrl: string, value: Uint8Array): AnyMessage {
  const result = new anyModule.Any();
  result.setTypeUrl(typeUrl);
  result.setValue(value);
  return result;
}
