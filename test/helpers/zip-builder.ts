import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal zip writer for hostile test files (zip bombs, entries that lie about their size):
 * what a well-behaved library would refuse to write. Deflate, no data descriptors, no zip64.
 */
export interface ZipEntrySource {
  name: string;
  /** The entry's content, produced piece by piece so that a huge one never sits in memory. */
  pieces: () => Iterable<Buffer>;
  /** Declared unpacked size, in both headers; the true size when absent. */
  declaredSize?: number;
}

export function buildZip(entries: readonly ZipEntrySource[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { data, crc, size } = deflatePieces(entry.pieces());
    const name = Buffer.from(entry.name, 'utf8');
    const declared = entry.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(declared, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(dir, name);
    offset += local.length + name.length + data.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dirBytes, end]);
}

/** Deflates the pieces as one stream (raw deflate, as zip wants it). */
function deflatePieces(pieces: Iterable<Buffer>): { data: Buffer; crc: number; size: number } {
  // Batches of ~4 MB: each batch is one deflate block run, flushed so the batches concatenate.
  const out: Buffer[] = [];
  let crc = 0;
  let size = 0;
  let batch: Buffer[] = [];
  let batchSize = 0;
  const flush = (final: boolean) => {
    const input = Buffer.concat(batch);
    out.push(deflateRawSync(input, { level: 1, finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH }));
    batch = [];
    batchSize = 0;
  };
  for (const piece of pieces) {
    crc = crc32(piece, crc);
    size += piece.length;
    batch.push(piece);
    batchSize += piece.length;
    if (batchSize >= 4 * 1024 * 1024) flush(false);
  }
  flush(true);
  return { data: Buffer.concat(out), crc, size };
}
