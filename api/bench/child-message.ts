// The bench's child processes (viewers, the node sampler) answer over IPC: wait for one answer,
// and take the child's exit meanwhile as the error it is rather than waiting for ever.
import type { ChildProcess } from 'node:child_process';

/** The first message of `child` that `wanted` takes, or `who`'s exit as an error. */
export function nextMessage<T>(child: ChildProcess, who: string, wanted: (message: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const stopListening = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: T) => {
      if (!wanted(message)) return;
      stopListening();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      stopListening();
      reject(new Error(`${who} exited with ${code}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
