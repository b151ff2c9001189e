// Whether a process id named in a file (the export's lock, the running stack's info) is still alive:
// signal 0 checks without sending anything; EPERM means it exists but belongs to someone else.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
