/**
 * Inline SVG charts for the HTML report: no script, no font or stylesheet from the network,
 * so the file reads the same offline years later.
 */
import type { GroupReport } from './analyse-attribute.ts';
import type { GroupTrendPoint } from './report.ts';

/** Escapes text for HTML and SVG. */
export const esc = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
];
const colour = (i: number): string => PALETTE[i % PALETTE.length] as string;
const n2 = (x: number): string => x.toFixed(1);

const RATES = [
  { key: 'selection_rate', label: 'selection rate' },
  { key: 'tpr', label: 'TPR' },
  { key: 'fpr', label: 'FPR' },
] as const;

/**
 * Per group, the selection rate, TPR and FPR as points with 95% Wilson whiskers, on a 0–100%
 * axis. Rates without data are left out (no point at 0 pretending to be one).
 */
export const rateChart = (attribute: string, groups: readonly GroupReport[]): string => {
  const left = 150;
  const width = 640;
  const row = 20 * RATES.length + 14;
  const top = 28;
  const height = top + row * groups.length + 30;
  const x = (rate: number) => left + rate * (width - left - 20);
  const parts: string[] = [];
  for (let t = 0; t <= 10; t += 2) {
    const gx = x(t / 10);
    parts.push(
      `<line class="grid" x1="${n2(gx)}" y1="${top - 6}" x2="${n2(gx)}" y2="${height - 24}" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${n2(gx)}" y="${height - 8}" font-size="11" text-anchor="middle">${t * 10}%</text>`,
    );
  }
  RATES.forEach((rate, i) => {
    parts.push(
      `<circle cx="${left + i * 120}" cy="12" r="4" fill="${colour(i)}"/><text x="${left + i * 120 + 8}" y="16" font-size="11">${rate.label}</text>`,
    );
  });
  groups.forEach((g, gi) => {
    const y0 = top + gi * row;
    parts.push(
      `<text x="${left - 8}" y="${y0 + row / 2}" font-size="12" text-anchor="end">${esc(g.value)} (n=${g.n})</text>`,
    );
    RATES.forEach((rate, ri) => {
      const value = g[rate.key];
      const ci = g.ci[rate.key];
      if (value === null || ci === null) return;
      const y = y0 + 10 + ri * 20;
      parts.push(
        `<g class="rate" data-group="${esc(g.value)}" data-rate="${rate.key}"><line class="whisker" x1="${n2(x(ci.low))}" y1="${y}" x2="${n2(x(ci.high))}" y2="${y}" stroke="${colour(ri)}" stroke-width="2"/><line x1="${n2(x(ci.low))}" y1="${y - 4}" x2="${n2(x(ci.low))}" y2="${y + 4}" stroke="${colour(ri)}"/><line x1="${n2(x(ci.high))}" y1="${y - 4}" x2="${n2(x(ci.high))}" y2="${y + 4}" stroke="${colour(ri)}"/><circle class="point" cx="${n2(x(value))}" cy="${y}" r="4" fill="${colour(ri)}"><title>${esc(g.value)} ${rate.label} ${(value * 100).toFixed(1)}% (95% CI ${(ci.low * 100).toFixed(1)}–${(ci.high * 100).toFixed(1)}%)</title></circle></g>`,
      );
    });
  });
  return `<svg class="chart rates" role="img" aria-label="Rates by ${esc(attribute)} with 95% confidence intervals" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
};

/** Selection rate per group over the weeks, one line per group. */
export const trendChart = (attribute: string, trend: readonly GroupTrendPoint[]): string => {
  const width = 640;
  const height = 240;
  const left = 48;
  const right = 150;
  const top = 16;
  const bottom = 40;
  const weeks = trend.map((t) => t.week);
  const values = [...new Set(trend.flatMap((t) => t.groups.map((g) => g.value)))].sort();
  const x = (i: number) =>
    left + (weeks.length <= 1 ? 0 : (i * (width - left - right)) / (weeks.length - 1));
  const y = (rate: number) => top + (1 - rate) * (height - top - bottom);
  const parts: string[] = [];
  for (let t = 0; t <= 10; t += 5) {
    parts.push(
      `<line class="grid" x1="${left}" y1="${n2(y(t / 10))}" x2="${width - right}" y2="${n2(y(t / 10))}" stroke="#ddd"/><text x="${left - 6}" y="${n2(y(t / 10) + 4)}" font-size="11" text-anchor="end">${t * 10}%</text>`,
    );
  }
  weeks.forEach((week, i) => {
    parts.push(
      `<text x="${n2(x(i))}" y="${height - bottom + 16}" font-size="10" text-anchor="middle">${esc(week.slice(5))}</text>`,
    );
  });
  values.forEach((value, vi) => {
    const points: string[] = [];
    trend.forEach((t, i) => {
      const g = t.groups.find((p) => p.value === value);
      if (g?.selection_rate !== null && g?.selection_rate !== undefined)
        points.push(`${n2(x(i))},${n2(y(g.selection_rate))}`);
    });
    if (points.length === 0) return;
    parts.push(
      `<polyline class="series" data-group="${esc(value)}" fill="none" stroke="${colour(vi)}" stroke-width="2" points="${points.join(' ')}"/>`,
    );
    for (const p of points) {
      const [px, py] = p.split(',');
      parts.push(`<circle cx="${px}" cy="${py}" r="2.5" fill="${colour(vi)}"/>`);
    }
    parts.push(
      `<text x="${width - right + 8}" y="${top + 14 * vi + 10}" font-size="11" fill="${colour(vi)}">${esc(value)}</text>`,
    );
  });
  return `<svg class="chart trend" role="img" aria-label="Weekly selection rate by ${esc(attribute)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
};

/** Weekly bars of adverse decisions and policy violations (flag + block). */
export const weeklyChart = (
  weeks: readonly { week: string; adverse: number; flagged: number; blocked: number }[],
): string => {
  const width = 640;
  const height = 200;
  const left = 48;
  const top = 20;
  const bottom = 36;
  const max = Math.max(1, ...weeks.map((w) => Math.max(w.adverse, w.flagged + w.blocked)));
  const slot = (width - left - 10) / Math.max(1, weeks.length);
  const h = (v: number) => (v / max) * (height - top - bottom);
  const parts: string[] = [
    `<text x="${left}" y="12" font-size="11"><tspan fill="${colour(1)}">■ adverse decisions</tspan>  <tspan fill="${colour(4)}">■ policy violations</tspan></text>`,
  ];
  weeks.forEach((w, i) => {
    const x0 = left + i * slot;
    const bw = Math.max(2, slot / 2 - 3);
    const base = height - bottom;
    parts.push(
      `<rect class="bar adverse" x="${n2(x0 + 2)}" y="${n2(base - h(w.adverse))}" width="${n2(bw)}" height="${n2(h(w.adverse))}" fill="${colour(1)}"><title>${esc(w.week)}: ${w.adverse} adverse</title></rect>`,
    );
    const v = w.flagged + w.blocked;
    parts.push(
      `<rect class="bar violations" x="${n2(x0 + 2 + bw)}" y="${n2(base - h(v))}" width="${n2(bw)}" height="${n2(h(v))}" fill="${colour(4)}"><title>${esc(w.week)}: ${v} policy violations</title></rect>`,
    );
    parts.push(
      `<text x="${n2(x0 + slot / 2)}" y="${height - bottom + 14}" font-size="10" text-anchor="middle">${esc(w.week.slice(5))}</text>`,
    );
  });
  parts.push(
    `<text x="${left - 6}" y="${top + 4}" font-size="11" text-anchor="end">${max}</text><text x="${left - 6}" y="${height - bottom}" font-size="11" text-anchor="end">0</text>`,
  );
  return `<svg class="chart weekly" role="img" aria-label="Adverse decisions and policy violations per week" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
};
