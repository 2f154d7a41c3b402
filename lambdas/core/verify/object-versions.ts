/**
 * What a versioned archive bucket shows beyond its current objects: old versions of a key
 * (a write-once key should have one) and delete markers. A delete marker over an object that
 * is still under Object Lock hides it from every plain read while it cannot be deleted: the
 * verifier would see a chain or checkpoint missing for no recorded reason. That is a fault
 * (`hidden_version`); old versions and markers over expired objects are counted and listed.
 */
import type { FaultLog } from './report.ts';

/** One entry of a version listing (S3 ListObjectVersions: versions and delete markers). */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
  /** Object Lock retain-until of this version, when known; unknown counts as locked. */
  readonly retainUntil?: Date;
}

/** What the listing showed. */
export interface VersionFindings {
  /** Keys with more than one object version (older ones are not what the verifier read). */
  readonly overwritten: readonly string[];
  /** Keys whose current version is a delete marker. */
  readonly deleteMarkers: number;
  /** Why versions could not be listed (no permission, a store without versioning). */
  readonly unavailable?: string;
}

/** checkVersions, but a listing that fails (a store without versioning, no
 * s3:ListBucketVersions permission) is said in the findings rather than thrown. */
export const tryCheckVersions = async (
  list: () => AsyncIterable<ObjectVersion>,
  now: Date,
  faults: FaultLog,
): Promise<VersionFindings> => {
  try {
    return await checkVersions(list(), now, faults);
  } catch (error) {
    const unavailable = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { overwritten: [], deleteMarkers: 0, unavailable };
  }
};

const chainOf = (key: string): string => {
  const [top, dir] = key.split('/');
  if (top !== 'chains' || dir === undefined) return '';
  try {
    return decodeURIComponent(dir);
  } catch {
    return dir;
  }
};

/** Reports the findings of a version listing grouped by key (any order within a key). */
export const checkVersions = async (
  versions: AsyncIterable<ObjectVersion> | Iterable<ObjectVersion>,
  now: Date,
  faults: FaultLog,
  maxListed = 1000,
): Promise<VersionFindings> => {
  const overwritten: string[] = [];
  let deleteMarkers = 0;
  let group: ObjectVersion[] = [];
  const settle = (): void => {
    if (group.length === 0) return;
    const key = group[0]?.key ?? '';
    const objects = group.filter((v) => !v.deleteMarker);
    const latest = group.find((v) => v.isLatest);
    if (latest?.deleteMarker) {
      deleteMarkers++;
      for (const hidden of objects) {
        if (hidden.retainUntil === undefined || hidden.retainUntil > now) {
          const until = hidden.retainUntil?.toISOString() ?? 'an unknown date';
          faults.add(
            chainOf(key),
            -1,
            'hidden_version',
            `${key} (version ${hidden.versionId}) is locked until ${until} but hidden behind a delete marker`,
          );
        }
      }
    }
    if (objects.length > 1 && overwritten.length < maxListed) overwritten.push(key);
    group = [];
  };
  for await (const version of versions) {
    if (group.length > 0 && group[0]?.key !== version.key) settle();
    group.push(version);
  }
  settle();
  return { overwritten, deleteMarkers };
};
