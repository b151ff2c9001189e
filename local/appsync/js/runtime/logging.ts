// console.log / console.error (and util.log.*) as AppSync records them: one line per call, each
// argument as JSON, prefixed with the level and the caller's position in the user's code.
// Positions are read from the stack in the generated script; the host maps them back to the
// submitted code with the compile's source map and writes "INFO - code.js:13:5: \"text\"".
import { state } from './state.ts';

let userScript = 'code.js';

export function setUserScriptName(name: string): void {
  userScript = name;
}

function callerPosition(): [number | null, number | null] {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n')) {
    const i = line.lastIndexOf(`${userScript}:`);
    if (i < 0) continue;
    const m = /:(\d+):(\d+)\)?\s*$/.exec(line.slice(i));
    if (m) return [Number(m[1]), Number(m[2])];
  }
  return [null, null];
}

function render(arg: unknown): string {
  if (arg === undefined) return 'undefined';
  if (typeof arg === 'function') return String(arg);
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

function writer(level: string) {
  return (...args: unknown[]): void => {
    const [line, column] = callerPosition();
    state().logs.push({ level, line, column, text: args.map(render).join(' ') });
  };
}

export const console = {
  log: writer('INFO'),
  info: writer('INFO'),
  debug: writer('DEBUG'),
  warn: writer('WARN'),
  error: writer('ERROR'),
};

export const log = { info: writer('INFO'), error: writer('ERROR') };
