/** A span to be replaced by its label, e.g. `[CREDIT_CARD]`. */
export interface Mask {
  readonly start: number;
  readonly end: number;
  readonly entity: string;
}

/** Overlapping masks merged; the merged span keeps the label of its first mask. */
export const mergeMasks = (masks: readonly Mask[]): Mask[] => {
  const sorted = [...masks].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Mask[] = [];
  for (const m of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && m.start < last.end) {
      merged[merged.length - 1] = { ...last, end: Math.max(last.end, m.end) };
    } else {
      merged.push(m);
    }
  }
  return merged;
};

/** The text with every mask replaced by `[ENTITY]`; `masks` are as mergeMasks returns them
 * (sorted and disjoint). */
export const applyMasks = (text: string, masks: readonly Mask[]): string => {
  let out = '';
  let at = 0;
  for (const m of masks) {
    out += `${text.slice(at, m.start)}[${m.entity}]`;
    at = m.end;
  }
  return out + text.slice(at);
};

const isLowSurrogate = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
};

/** The masks touching `[from, to)`, found by binary search in masks sorted and disjoint. */
const touching = (masks: readonly Mask[], from: number, to: number): Mask[] => {
  let lo = 0;
  let hi = masks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((masks[mid]?.end ?? 0) <= from) lo = mid + 1;
    else hi = mid;
  }
  const out: Mask[] = [];
  for (let m = masks[lo]; m !== undefined && m.start < to; m = masks[++lo]) out.push(m);
  return out;
};

/**
 * Up to `context` characters each side of `target`, with the target and every other mask
 * touching the window replaced by its label; a mask that crosses the window's edge is
 * replaced whole, so no part of a detected value leaks into a snippet. `masks` are as
 * mergeMasks returns them (sorted and disjoint), so a text with thousands of findings
 * does not compare every finding with every mask.
 */
export const maskedSnippet = (
  text: string,
  target: Mask,
  masks: readonly Mask[],
  context: number,
): string => {
  let from = Math.max(0, target.start - context);
  let to = Math.min(text.length, target.end + context);
  if (from > 0 && isLowSurrogate(text, from)) from--;
  if (to < text.length && isLowSurrogate(text, to)) to++;
  const inWindow = mergeMasks([target, ...touching(masks, from, to)]);
  const first = inWindow[0];
  const last = inWindow[inWindow.length - 1];
  const start = Math.min(from, first?.start ?? from);
  const end = Math.max(to, last?.end ?? to);
  const body = applyMasks(
    text.slice(start, end),
    inWindow.map((m) => ({ ...m, start: m.start - start, end: m.end - start })),
  );
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
};
