/**
 * Worker thread of parallel.ts: reads the byte ranges it is sent, one after another, and answers each
 * with its wanted lines (parallel-range.ts).
 */
import { parentPort } from 'node:worker_threads';
import { readRange, type RangeRequest } from './parallel-range.js';

interface Message extends RangeRequest {
  id: number;
}

const port = parentPort;
if (port) {
  let queue = Promise.resolve();
  port.on('message', (m: Message) => {
    queue = queue.then(async () => {
      try {
        const result = { ...(await readRange(m)), byWorker: true };
        // the buffers are the result's own (parallel-range.ts): moved, not copied
        port.postMessage({ id: m.id, result }, [result.text.buffer as ArrayBuffer, result.ends.buffer as ArrayBuffer, result.lineNumbers.buffer as ArrayBuffer]);
      } catch (e) {
        port.postMessage({ id: m.id, error: (e as Error).message });
      }
    });
  });
}
