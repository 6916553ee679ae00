/**
 * The page's side of the worker: requests that expect one answer are matched to it by id and
 * returned as promises; training events go to listeners.
 */
import type { FromWorker, ToWorker } from './protocol';

type Answer = Extract<FromWorker, { id: number }>;
type Event = Exclude<FromWorker, Answer>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Question = DistributiveOmit<Extract<ToWorker, { id: number }>, 'id'>;

export interface WorkerClient {
  /** Sends a request and resolves with the worker's answer (rejects with its error message). */
  ask(question: Question): Promise<Answer>;
  send(message: Exclude<ToWorker, { id: number }>): void;
  onEvent(listener: (event: Event) => void): void;
}

export function connectWorker(): WorkerClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const pending = new Map<number, { resolve(answer: Answer): void; reject(error: Error): void }>();
  const listeners: ((event: Event) => void)[] = [];
  let nextId = 1;

  worker.onmessage = (message: MessageEvent<FromWorker>) => {
    const data = message.data;
    if ('id' in data && data.id !== undefined) {
      const waiting = pending.get(data.id);
      pending.delete(data.id);
      if (data.type === 'error') waiting?.reject(new Error(data.message));
      else waiting?.resolve(data as Answer);
      return;
    }
    for (const listener of listeners) listener(data as Event);
  };
  worker.onerror = (error) => {
    for (const listener of listeners) listener({ type: 'error', message: `The worker failed: ${error.message}` });
  };
  worker.postMessage({ type: 'init', dataUrl: new URL('./', window.location.href).href });

  return {
    ask(question) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...question, id });
      });
    },
    send(message) {
      worker.postMessage(message);
    },
    onEvent(listener) {
      listeners.push(listener);
    },
  };
}
