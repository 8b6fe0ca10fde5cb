/**
 * Failure groups: the same problem across many repositories, so an owner can fix the prompt once
 * and rerun exactly the repositories it concerns (`/migrate retry --group <id>`). Targets that
 * ended badly (`exhausted`, `skipped`, `stalled`, `error`) are grouped by failure class plus
 * normalised signature (src/core/target/normalize-signature.ts); `not-applicable` targets are
 * grouped the same way but kept apart, since "nothing to change" is an answer, not a failure.
 * Pure and deterministic: the same targets always give the same groups, ids and order.
 */
import type { FailureClass, Target, TargetReason, TargetState } from '../target/target.ts';
import { shortHash } from './short-hash.ts';

/** States whose targets form failure groups. */
export const FAILURE_GROUP_STATES: readonly TargetState[] = ['exhausted', 'skipped', 'stalled', 'error'];

/** Shortest id length; ids grow (two hex digits at a time) only to separate colliding groups. */
export const GROUP_ID_LENGTH = 6;

/** One repository of a failure group. */
export interface FailureGroupMember {
  repo: string;
  state: TargetState;
  reason?: TargetReason;
  prNumber?: number;
  /** The manifest revision the target last ran with. */
  revision: string;
}

/** Targets sharing a failure class and signature. */
export interface FailureGroup {
  /** Short stable id: the first hex digits of a hash of class and signature. */
  id: string;
  kind: 'failure' | 'not-applicable';
  class: FailureClass;
  signature: string;
  count: number;
  /** An example of the failure as one repository reported it (unmasked), if any target had one. */
  example?: { repo: string; text: string };
  /** Sorted by repository. */
  members: FailureGroupMember[];
}

/** The result of `groupFailures`: failures and not-applicable outcomes, each largest first. */
export interface FailureGroups {
  /** Largest first, then by class and signature. */
  failures: FailureGroup[];
  /** `not-applicable` targets, grouped the same way. */
  notApplicable: FailureGroup[];
}

/** Groups the targets that ended badly. Targets in other states are not included. */
export function groupFailures(targets: readonly Target[]): FailureGroups {
  const buckets = new Map<
    string,
    { kind: FailureGroup['kind']; cls: FailureClass; signature: string; targets: Target[] }
  >();
  for (const target of targets) {
    const kind =
      target.state === 'not-applicable'
        ? 'not-applicable'
        : FAILURE_GROUP_STATES.includes(target.state)
          ? 'failure'
          : undefined;
    if (kind === undefined) continue;
    const { cls, signature } = failureKey(target);
    const key = `${cls}\n${signature}`;
    const bucket = buckets.get(key) ?? { kind, cls, signature, targets: [] };
    bucket.targets.push(target);
    buckets.set(key, bucket);
  }

  const fullHashes = new Map<string, string>();
  for (const key of buckets.keys()) fullHashes.set(key, shortHash(key));
  const ids = assignIds(fullHashes);

  const groups: FailureGroup[] = [...buckets].map(([key, bucket]) => {
    const members = [...bucket.targets].sort((a, b) => compareText(a.repo, b.repo));
    const example = findExample(members);
    return {
      id: ids.get(key) ?? '',
      kind: bucket.kind,
      class: bucket.cls,
      signature: bucket.signature,
      count: members.length,
      ...(example ? { example } : {}),
      members: members.map((target) => ({
        repo: target.repo,
        state: target.state,
        ...(target.reason ? { reason: target.reason } : {}),
        ...(target.prNumber !== undefined ? { prNumber: target.prNumber } : {}),
        revision: target.manifestRevision,
      })),
    };
  });
  groups.sort(
    (a, b) => b.count - a.count || compareText(a.class, b.class) || compareText(a.signature, b.signature),
  );
  return {
    failures: groups.filter((group) => group.kind === 'failure'),
    notApplicable: groups.filter((group) => group.kind === 'not-applicable'),
  };
}

/**
 * The group `id` names: exact match, or the one group whose id starts with it (ids of colliding
 * groups are longer than 6 digits, and people may paste the short form). `undefined` when no
 * group or more than one matches.
 */
export function findFailureGroup(groups: FailureGroups, id: string): FailureGroup | undefined {
  const wanted = id.trim().replace(/^#/, '').toLowerCase();
  const all = [...groups.failures, ...groups.notApplicable];
  const exact = all.find((group) => group.id === wanted);
  if (exact) return exact;
  const prefixed = all.filter((group) => group.id.startsWith(wanted));
  return wanted.length >= GROUP_ID_LENGTH && prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Class and signature of a target; targets written before failures were recorded get one from their state. */
function failureKey(target: Target): { cls: FailureClass; signature: string } {
  if (target.failure) return { cls: target.failure.class, signature: target.failure.signature };
  return { cls: fallbackClass(target), signature: target.reason ?? target.state };
}

function fallbackClass(target: Target): FailureClass {
  switch (target.reason) {
    case 'baseline-red':
      return 'baseline-ci';
    case 'no-ci':
      return 'no-ci';
    case 'archived':
    case 'fork':
    case 'excluded':
    case 'empty':
    case 'disabled':
      return 'ineligible';
    case 'ci-timeout':
    case 'baseline-timeout':
      return 'ci-timeout';
    case 'github-error':
      return 'github';
    default:
      break;
  }
  if (target.state === 'not-applicable') return 'not-applicable';
  if (target.state === 'exhausted') return 'budget';
  if (target.state === 'stalled') return 'ci-timeout';
  return 'internal';
}

/** Ids: 6 hex digits, lengthened by 2 for groups that share a prefix, until all are unique. */
function assignIds(hashes: ReadonlyMap<string, string>): Map<string, string> {
  const ids = new Map<string, string>();
  let pending = [...hashes.keys()];
  for (let length = GROUP_ID_LENGTH; pending.length > 0; length += 2) {
    const byPrefix = new Map<string, string[]>();
    for (const key of pending) {
      const prefix = (hashes.get(key) ?? '').slice(0, length);
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), key]);
    }
    pending = [];
    for (const [prefix, keys] of byPrefix) {
      // Full 16-digit hashes that still collide cannot be separated; they share an id.
      if (keys.length === 1 || length >= 16) for (const key of keys) ids.set(key, prefix);
      else pending.push(...keys);
    }
  }
  return ids;
}

/** The first member (by repository) with something to show: its failure example or detail. */
function findExample(members: readonly Target[]): { repo: string; text: string } | undefined {
  for (const target of members) {
    const lines = [target.failure?.example, target.detail].filter(
      (line, index, all): line is string =>
        line !== undefined && line.trim() !== '' && all.indexOf(line) === index,
    );
    const last = target.history.at(-1)?.result;
    if (lines.length === 0 && last) lines.push(last);
    if (lines.length > 0) return { repo: target.repo, text: lines.join('\n') };
  }
  return undefined;
}

/** Code-unit order, independent of the runtime's locale (the body must be byte-for-byte stable). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
