/**
 * Inclusion proofs checked in the browser with WebCrypto, by the same rules as
 * `audit-trail verify-proof` (lambdas/core/verify/proof.ts):
 *   the checkpoint is a C2SP signed note, Ed25519, under a key the archive publishes;
 *   the record hash is SHA-256(RECORD_TAG ‖ JCS(envelope));
 *   the RFC 9162 audit path leads from the record's leaf to the signed root.
 */

const RECORD_TAG = 'ai-audit-trail/record/v1\n';
const OUTSIDE_ENVELOPE = new Set(['hash', 'body', 'body_salt', 'body_ref', 'body_enc']);
const enc = new TextEncoder();

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Strict base64 (atob throws on anything else). */
const fromBase64 = (text) => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error('not base64');
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
};
const fromHex = (text) => Uint8Array.from(text.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

/** RFC 8785 canonical JSON of plain JSON data (keys in UTF-16 code unit order). */
export const canonicalJson = (value) => {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** Hex SHA-256(RECORD_TAG ‖ canonical envelope). */
export const recordHash = async (record) => {
  const envelope = {};
  for (const [k, v] of Object.entries(record)) if (!OUTSIDE_ENVELOPE.has(k)) envelope[k] = v;
  return hex(await sha256(enc.encode(RECORD_TAG + canonicalJson(envelope))));
};

/** `<name>+<hex key id>+<base64(alg ‖ key)>`, with its key id checked. */
const parseVerifierKey = async (vkey) => {
  const [name, idHex, ...rest] = vkey.trim().split('+');
  const algAndKey = fromBase64(rest.join('+'));
  const id = (await sha256(concat(enc.encode(`${name}\n`), algAndKey))).slice(0, 4);
  if (hex(id) !== idHex) throw new Error('the key id does not match the key');
  return { name, id, alg: algAndKey[0], publicKey: algAndKey.slice(1) };
};

/** Opens a signed note with one key: `{text, verified, reason?}`. */
const openNote = async (note, vkey) => {
  const key = await parseVerifierKey(vkey);
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('not a signed note');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (key.alg !== 1) return { text, verified: false, reason: 'not an Ed25519 key' };
  const publicKey = await crypto.subtle.importKey('raw', key.publicKey, 'Ed25519', false, [
    'verify',
  ]);
  for (const line of lines) {
    const [dash, name, blobText] = line.split(' ');
    if (dash !== '—' || name !== key.name || blobText === undefined) continue;
    const blob = fromBase64(blobText);
    if (!sameBytes(blob.slice(0, 4), key.id)) continue;
    const ok = await crypto.subtle.verify('Ed25519', publicKey, blob.slice(4), enc.encode(text));
    if (ok) return { text, verified: true };
  }
  return { text, verified: false, reason: `no valid signature by ${key.name}` };
};

/** origin, size and root of checkpoint text. */
const parseCheckpoint = (text) => {
  const [origin, size, root] = text.slice(0, -1).split('\n');
  if (!/^(0|[1-9][0-9]*)$/.test(size ?? '')) throw new Error('bad checkpoint size');
  return { origin, size: Number(size), root: fromBase64(root ?? '') };
};

const leafHash = (data) => sha256(concat(new Uint8Array([0]), data));
const nodeHash = (l, r) => sha256(concat(new Uint8Array([1]), l, r));

/** RFC 9162 §2.1.3.2: does the path lead from the leaf at `index` to `root`? */
const verifyInclusion = async (leaf, index, size, path, root) => {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && sameBytes(r, root);
};

/**
 * Checks a proof file against the published verifier keys (never the key inside the
 * proof) and the record shown: `{ok: true, key, size}` or `{ok: false, reason}`.
 */
export const checkProof = async (proof, publishedKeys, shownHash) => {
  const fail = (reason) => ({ ok: false, reason });
  try {
    if (proof?.v !== 1) return fail('no version 1 proof');
    if (shownHash !== undefined && proof.record?.hash !== shownHash) {
      return fail('the proof is for another record than the one shown');
    }
    let opened;
    let usedKey;
    for (const vkey of publishedKeys) {
      const attempt = await openNote(proof.checkpoint, vkey);
      if (attempt.verified) {
        opened = attempt;
        usedKey = vkey.split('+').slice(0, 2).join('+');
        break;
      }
    }
    if (opened === undefined) return fail('the checkpoint is not signed by a published key');
    const checkpoint = parseCheckpoint(opened.text);
    if (!checkpoint.origin.endsWith(`/${encodeURIComponent(proof.chain)}`)) {
      return fail(`the checkpoint is for ${checkpoint.origin}, not chain ${proof.chain}`);
    }
    if (checkpoint.size !== proof.tree_size) return fail('tree_size is not the checkpoint size');
    const { record } = proof;
    if (
      record.chain !== proof.chain ||
      record.seq !== proof.seq ||
      proof.leaf_index !== proof.seq
    ) {
      return fail('the record does not match the chain and position of the proof');
    }
    if ((await recordHash(record)) !== record.hash)
      return fail('the record does not match its hash');
    const leaf = await leafHash(fromHex(record.hash));
    const path = proof.proof.map(fromBase64);
    const included = await verifyInclusion(
      leaf,
      proof.leaf_index,
      proof.tree_size,
      path,
      checkpoint.root,
    );
    if (!included) return fail('the audit path does not lead to the signed root');
    return { ok: true, key: usedKey, size: checkpoint.size };
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
};
