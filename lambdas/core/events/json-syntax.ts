/**
 * Locates the first JSON syntax error in a text. V8's `JSON.parse` errors name a position
 * for some faults and only an echo of the input for others; clients get a position always.
 * A state machine over RFC 8259 tokens with an explicit stack: deep input cannot overflow.
 */

// Optional whitespace, then one token: string | number | literal | punctuation.
const TOKEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings.
  /("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{}[\]:,])/y;
const WHITESPACE = /[ \t\n\r]*/y;

type State = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'after';

/** Offset of the first character that breaks the JSON grammar, or -1 when the text is valid. */
export function jsonErrorOffset(text: string): number {
  const open: string[] = [];
  let state: State = 'value';
  let i = 0;
  for (;;) {
    WHITESPACE.lastIndex = i;
    WHITESPACE.test(text);
    i = WHITESPACE.lastIndex;
    if (i >= text.length) return state === 'after' && open.length === 0 ? -1 : text.length;
    TOKEN.lastIndex = i;
    const match = TOKEN.exec(text);
    if (match === null) return i;
    const punct = match[4];
    const scalar = punct === undefined;
    const top = open.at(-1);
    let next: State | undefined;
    if (state === 'value' || state === 'valueOrClose') {
      if (scalar) next = 'after';
      else if (punct === '{') next = 'keyOrClose';
      else if (punct === '[') next = 'valueOrClose';
      else if (punct === ']' && state === 'valueOrClose') next = 'after';
      if (punct === '{' || punct === '[') open.push(punct);
      if (punct === ']' && next === 'after') open.pop();
    } else if (state === 'key' || state === 'keyOrClose') {
      if (match[1] !== undefined) next = 'colon';
      else if (punct === '}' && state === 'keyOrClose') {
        open.pop();
        next = 'after';
      }
    } else if (state === 'colon') {
      if (punct === ':') next = 'value';
    } else if (top !== undefined) {
      if (punct === ',') next = top === '[' ? 'value' : 'key';
      else if ((punct === ']' && top === '[') || (punct === '}' && top === '{')) {
        open.pop();
        next = 'after';
      }
    }
    if (next === undefined) return i;
    state = next;
    i = TOKEN.lastIndex;
  }
}
