/**
 * The SQLite store's checkpointer thread (started by openSqliteStore beside the writer). The writer
 * connection never checkpoints; this one copies the committed WAL frames into the database file (and
 * fsyncs it) every CHECKPOINT_MS with PASSIVE checkpoints, which never block the writer or readers.
 * Once a checkpoint has copied every frame, the writer's next transaction starts the WAL over from its
 * beginning, so the WAL stays about as large as what is committed between two checkpoints.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDb, type WriterData } from './store-sqlite.js';

const CHECKPOINT_MS = 50;

if (!parentPort) throw new Error('store-sqlite-checkpointer runs as a worker thread');
const port = parentPort;
const db = openSqliteDb((workerData as WriterData).path);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // (disk full, I/O error) nothing committed is lost: the frames stay in the WAL and the next tick retries
  }
}, CHECKPOINT_MS);
port.on('message', () => {
  clearInterval(timer);
  db.close();
  port.postMessage('closed');
  port.close();
});
