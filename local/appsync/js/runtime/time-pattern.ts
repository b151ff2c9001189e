// Tokenizer for Java DateTimeFormatter patterns: runs of one letter are fields, '...' is quoted
// text ('' is a quote), [ ] delimit optional sections, other characters are literals.

export type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'field'; letter: string; count: number }
  | { kind: 'optional'; tokens: Token[] };

const cache = new Map<string, Token[]>();

export function tokenize(pattern: string): Token[] {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const stack: Token[][] = [[]];
  const top = () => stack[stack.length - 1] as Token[];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j += 1;
      top().push({ kind: 'field', letter: ch, count: j - i });
      i = j;
    } else if (ch === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= pattern.length) throw new Error(`Pattern ends with an incomplete string literal: ${pattern}`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") { text += "'"; j += 2; continue; }
          break;
        }
        text += pattern[j];
        j += 1;
      }
      top().push({ kind: 'literal', text: j === i + 1 ? "'" : text });
      i = j + 1;
    } else if (ch === '[') {
      stack.push([]);
      i += 1;
    } else if (ch === ']') {
      if (stack.length === 1) throw new Error(`Pattern invalid as it contains ] without previous [: ${pattern}`);
      const tokens = stack.pop() as Token[];
      top().push({ kind: 'optional', tokens });
      i += 1;
    } else if (ch === '{' || ch === '}' || ch === '#') {
      throw new Error(`Pattern includes reserved character: '${ch}'`);
    } else {
      top().push({ kind: 'literal', text: ch });
      i += 1;
    }
  }
  while (stack.length > 1) {
    const tokens = stack.pop() as Token[];
    top().push({ kind: 'optional', tokens });
  }
  const tokens = stack[0] as Token[];
  cache.set(pattern, tokens);
  return tokens;
}
