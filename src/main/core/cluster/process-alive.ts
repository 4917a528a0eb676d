import { readFileSync } from 'node:fs';

/**
 * Whether a process still runs. A daemonized redis-server is re-parented; where nobody reaps it
 * (a container whose PID 1 is not an init), an exited node stays a zombie that signal 0 still
 * "finds", so on Linux the state letter in /proc decides.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return process.platform !== 'linux';
  }
}
