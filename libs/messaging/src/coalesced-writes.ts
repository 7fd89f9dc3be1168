import type * as amqp from 'amqplib';
import type { Writable } from 'node:stream';

interface AmqplibInternals {
  connection?: {
    stream?: Writable;
    muxer?: { _readIncoming?: () => void; coalesced?: boolean };
  };
}

/**
 * amqplib's muxer writes every frame it takes from its channels to the socket by itself: a system call per
 * publish, reply and ack. Corked while the muxer runs, the frames of one turn of the event loop leave in one
 * writev, which on this deployment's hosts is most of what a message costs the sender. Returns false (and changes
 * nothing) when amqplib's internals are not what this expects, so an upgrade can only lose the gain, not break
 * sending; `coalesced-writes.spec.ts` notices that.
 */
export function coalesceFrameWrites(model: amqp.ChannelModel): boolean {
  const connection = (model as unknown as AmqplibInternals).connection;
  const muxer = connection?.muxer;
  const stream = connection?.stream;
  const readIncoming = muxer?._readIncoming;
  if (!muxer || !stream || typeof readIncoming !== 'function' || typeof stream.cork !== 'function') return false;
  if (muxer.coalesced) return true;
  muxer._readIncoming = function (this: unknown) {
    stream.cork();
    try {
      readIncoming.call(muxer);
    } finally {
      stream.uncork();
    }
  };
  muxer.coalesced = true;
  return true;
}
