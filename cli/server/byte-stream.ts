/**
 * A response body fed from a generator of byte chunks, gathered into blocks of about `blockSize`
 * bytes so a few large writes go out instead of many tiny ones. `onDone` runs once when the stream
 * ends, fails or is cancelled by the client.
 */

/** Size of the blocks a streamed archive is written in. */
export const STREAM_BLOCK_BYTES = 64 * 1024;

export function byteStream(chunks: Iterator<Uint8Array>, onDone: () => void, blockSize = STREAM_BLOCK_BYTES): ReadableStream<Uint8Array> {
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      onDone();
    }
  };
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      try {
        const parts: Uint8Array[] = [];
        let size = 0;
        while (size < blockSize) {
          const next = chunks.next();
          if (next.done) break;
          parts.push(next.value);
          size += next.value.length;
        }
        if (size > 0) {
          const block = new Uint8Array(size);
          let at = 0;
          for (const p of parts) {
            block.set(p, at);
            at += p.length;
          }
          controller.enqueue(block);
        }
        if (size < blockSize) {
          controller.close();
          finish();
        }
      } catch (err) {
        finish();
        controller.error(err);
      }
    },
    cancel() {
      finish();
    },
  });
}
