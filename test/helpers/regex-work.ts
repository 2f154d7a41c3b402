/**
 * A deterministic measure of the work text scanning does, for complexity tests that must not
 * read the clock: while installed, every regular expression run (exec, and through it test,
 * match, matchAll, replace, split, search) and every `indexOf`/`includes` on a string adds
 * the characters it had to move over to a counter, and each distinct regex is kept so its
 * backtracking can be checked statically (the counter cannot see backtracking).
 */
export interface RegexWork {
  /** Characters scanned since the last reset. */
  scanned: number;
  /** Distinct regexes run since install, by `/source/flags`, with the longest input each
   * ran on (a regex that only ever sees short windows cannot blow up, whatever it is). */
  readonly regexes: Map<string, { readonly regex: RegExp; longestInput: number }>;
  reset(): void;
  uninstall(): void;
}

export const installRegexWork = (): RegexWork => {
  const exec = RegExp.prototype.exec;
  const indexOf = String.prototype.indexOf;
  const includes = String.prototype.includes;
  const work: RegexWork = {
    scanned: 0,
    regexes: new Map(),
    reset: () => {
      work.scanned = 0;
    },
    uninstall: () => {
      RegExp.prototype.exec = exec;
      String.prototype.indexOf = indexOf;
      String.prototype.includes = includes;
    },
  };
  RegExp.prototype.exec = function countedExec(this: RegExp, input: string) {
    const text = String(input);
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const match = exec.call(this, text);
    const to = match === null ? text.length : match.index + match[0].length;
    work.scanned += Math.max(0, to - from) + 1;
    const key = `/${this.source}/${this.flags}`;
    const seen = work.regexes.get(key);
    if (seen === undefined) work.regexes.set(key, { regex: this, longestInput: text.length });
    else seen.longestInput = Math.max(seen.longestInput, text.length);
    return match;
  };
  String.prototype.indexOf = function countedIndexOf(this: string, search: string, at?: number) {
    const found = indexOf.call(this, search, at);
    work.scanned += (found < 0 ? this.length : found) - Math.max(0, at ?? 0) + 1;
    return found;
  };
  String.prototype.includes = function countedIncludes(this: string, search: string, at?: number) {
    const found = indexOf.call(this, search, at);
    work.scanned += (found < 0 ? this.length : found) - Math.max(0, at ?? 0) + 1;
    return found >= 0;
  };
  return work;
};
