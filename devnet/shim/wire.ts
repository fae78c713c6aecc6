/**
 * Protobuf encoding of the query results devnet sends the shim by the hundred (ledger
 * queryresult.KV, protos.QueryResponse), written straight into one buffer. google-protobuf builds
 * a message object per result and serializes it through a generic writer, which made encoding a
 * page of 500 heads cost as much as reading it from SQLite. The bytes are the ones
 * google-protobuf writes (fields in number order, proto3 defaults left out), which
 * test/shim/wire.test.ts checks against the generated classes.
 */

/** Wire type 2 (length-delimited) key of a field. */
function lengthDelimitedTag(field: number): number {
  return (field << 3) | 2;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(buffer: Buffer, offset: number, value: number): number {
  while (value >= 0x80) {
    buffer[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  buffer[offset++] = value;
  return offset;
}

/** Size of a length-delimited field holding `length` bytes, or 0 when proto3 leaves it out (empty). */
function fieldSize(field: number, length: number): number {
  return length === 0 ? 0 : varintSize(lengthDelimitedTag(field)) + varintSize(length) + length;
}

function writeBytesField(buffer: Buffer, offset: number, field: number, bytes: Uint8Array): number {
  if (bytes.length === 0) return offset;
  offset = writeVarint(buffer, offset, lengthDelimitedTag(field));
  offset = writeVarint(buffer, offset, bytes.length);
  buffer.set(bytes, offset);
  return offset + bytes.length;
}

function writeStringField(buffer: Buffer, offset: number, field: number, text: string, byteLength: number): number {
  if (byteLength === 0) return offset;
  offset = writeVarint(buffer, offset, lengthDelimitedTag(field));
  offset = writeVarint(buffer, offset, byteLength);
  return offset + buffer.write(text, offset, byteLength, 'utf8');
}

/** ledger.queryresult.KV { namespace = 1; key = 2; value = 3 }. */
export function encodeKVBytes(namespace: string, key: string, value: Uint8Array): Buffer {
  const namespaceLength = Buffer.byteLength(namespace, 'utf8');
  const keyLength = Buffer.byteLength(key, 'utf8');
  const buffer = Buffer.allocUnsafe(fieldSize(1, namespaceLength) + fieldSize(2, keyLength) + fieldSize(3, value.length));
  let offset = writeStringField(buffer, 0, 1, namespace, namespaceLength);
  offset = writeStringField(buffer, offset, 2, key, keyLength);
  writeBytesField(buffer, offset, 3, value);
  return buffer;
}

/**
 * protos.QueryResponse { repeated QueryResultBytes results = 1; bool has_more = 2; string id = 3;
 * bytes metadata = 4 }, QueryResultBytes { bytes resultBytes = 1 }.
 */
export function encodeQueryResponseBytes(id: string, results: readonly Uint8Array[], hasMore: boolean, metadata: Uint8Array | undefined): Buffer {
  const resultTag = lengthDelimitedTag(1);
  let size = 0;
  for (const bytes of results) {
    const inner = fieldSize(1, bytes.length);
    size += varintSize(resultTag) + varintSize(inner) + inner;
  }
  if (hasMore) size += 2;
  const idLength = Buffer.byteLength(id, 'utf8');
  size += fieldSize(3, idLength) + fieldSize(4, metadata?.length ?? 0);

  const buffer = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const bytes of results) {
    offset = writeVarint(buffer, offset, resultTag);
    offset = writeVarint(buffer, offset, fieldSize(1, bytes.length));
    offset = writeBytesField(buffer, offset, 1, bytes);
  }
  if (hasMore) {
    buffer[offset++] = 2 << 3; // field 2, wire type 0 (varint)
    buffer[offset++] = 1;
  }
  offset = writeStringField(buffer, offset, 3, id, idLength);
  if (metadata) writeBytesField(buffer, offset, 4, metadata);
  return buffer;
}
