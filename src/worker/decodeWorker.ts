/// <reference lib="webworker" />
import type { DecodeReply, DecodeRequest } from './decodePool';
import { decodePoster } from './decodePoster';

declare const self: DedicatedWorkerGlobalScope;

/**
 * One member of a DecodePool: decodes and resizes a poster with the browser's
 * native decoder and sends the packed RGB pixels back as a transferred buffer.
 * IMPORTANT: every request gets exactly one reply, failures included.
 */
async function answer(request: DecodeRequest): Promise<void> {
  let reply: DecodeReply;
  try {
    reply = { id: request.id, ok: true, pixels: await decodePoster(request.file, request.spec) };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  // decodePoster allocates a fresh buffer per poster, so it can be given away.
  self.postMessage(reply, reply.ok ? [reply.pixels.buffer as ArrayBuffer] : []);
}

self.onmessage = (event: MessageEvent<DecodeRequest>) => {
  void answer(event.data);
};
