import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `prompt-injection` detector. */
export const promptInjectionParams = z.strictObject({
  /** Lowest heuristic score reported, in [0, 1]. */
  min_score: z.number().min(0).max(1).default(0.5),
});
export type PromptInjectionParams = z.infer<typeof promptInjectionParams>;

/** Heuristics with a score each: how strongly the phrase signals an injection attempt. */
const HEURISTICS: readonly { readonly re: RegExp; readonly score: number }[] = [
  {
    re: /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)*(?:previous|prior|above|earlier|preceding|initial|original|system)\s+(?:instructions?|prompts?|rules|directions|guidelines|context|messages?)/gi,
    score: 0.95,
  },
  {
    re: /\b(?:reveal|show|print|repeat|output|leak|tell me)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+prompt|hidden\s+(?:instructions|prompt)|initial\s+instructions|instructions\s+above)/gi,
    score: 0.9,
  },
  {
    re: /\byou\s+are\s+(?:now\s+)?(?:DAN|in\s+developer\s+mode|jailbroken|no\s+longer\s+bound|free\s+from\s+(?:all\s+)?(?:restrictions|rules))/gi,
    score: 0.9,
  },
  {
    re: /\b(?:do\s+anything\s+now|developer\s+mode\s+enabled|jailbreak(?:\s+mode)?)\b/gi,
    score: 0.8,
  },
  {
    re: /\b(?:pretend|act|behave)\s+(?:that\s+)?(?:you\s+are|as\s+if\s+you\s+(?:are|were)|as)\s[^.\n]{0,40}\b(?:without|no)\s+(?:any\s+)?(?:restrictions|filters|rules|limits|guidelines)/gi,
    score: 0.85,
  },
  { re: /\bnew\s+(?:system\s+)?instructions?\s*:/gi, score: 0.7 },
  {
    // `[ \t]`, not `\s`: with the m flag `^\s*` would run across every following blank
    // line from every line start, quadratic in a run of newlines. No two blank runs touch
    // (`[ \t]*:?[ \t]*` splits one run in n ways: quadratic on a long line of tabs).
    re: /<\|(?:im_start|im_end|system|endoftext)\|>|\[\/?INST\]|<<SYS>>|^[ \t]*#{2,}[ \t]*(?:system|instruction)s?[ \t]*(?::[ \t]*)?$/gim,
    score: 0.8,
  },
  { re: /\bfrom\s+now\s+on\s+(?:you\s+(?:will|must|are)|ignore|respond\s+only)/gi, score: 0.6 },
  {
    re: /\b(?:do\s+not|don't)\s+(?:follow|obey)\s+(?:your|the)\s+(?:rules|guidelines|policy|instructions)/gi,
    score: 0.85,
  },
];

/**
 * Flags phrases typical of prompt-injection and jailbreak attempts in inputs: overriding
 * earlier instructions, extracting the system prompt, role-play without restrictions,
 * chat-template control tokens. Each heuristic carries a score; those below `min_score`
 * are not reported.
 */
export const detectPromptInjection = (text: string, params: PromptInjectionParams): Match[] => {
  const matches: Match[] = [];
  for (const h of HEURISTICS) {
    if (h.score < params.min_score) continue;
    for (const m of text.matchAll(h.re)) {
      matches.push({
        entity: 'PROMPT_INJECTION',
        start: m.index,
        end: m.index + m[0].length,
        score: h.score,
      });
    }
  }
  return matches.sort((a, b) => a.start - b.start);
};

/** Registry entry of the `prompt-injection` detector. */
export const promptInjection = textDetector({
  id: 'prompt-injection',
  target: 'text',
  params: promptInjectionParams,
  redacts: false,
  detect: detectPromptInjection,
});
