// Every branch of the operation decisions, as tables: the namespace and Jobs as Kubernetes
// would hold them, and what the platform then does.
import type { V1Job, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildIntent, intentAnnotations, type OperationIntent } from '../store/intent.ts';
import { ANNOTATIONS } from '../store/names.ts';
import { specHash } from '../store/spec.ts';
import {
  admitExisting, afterLatestJob, jobOwner, jobsToStop, mayStart, movedOn, movesHost, needsStartedMark, nextSeq, type OperationProgress,
  preparationSteps, progressOf, recordRefusal, RESUME_AFTER_MS,
} from './operation-decisions.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const spec = { plan: 'small', host: 'shop1.localhost', title: 'shop1', adminEmail: 'a@shop1.localhost' } as const;
const install = buildIntent('shop1', 'install', 1, {}, new Date(NOW - 1000));
const oldInstall = buildIntent('shop1', 'install', 1, {}, new Date(NOW - RESUME_AFTER_MS - 1));
const upgrade = buildIntent('shop1', 'upgrade', 2, {}, new Date(NOW - 1000));
const uninstall = buildIntent('shop1', 'uninstall', 3, {}, new Date(NOW - 1000));

function namespace(options: { intent?: OperationIntent; started?: boolean; tenant?: string; deleting?: 'timestamp' | 'annotation'; spec?: typeof spec | null; lastSeq?: number; uid?: string } = {}): V1Namespace {
  const annotations: Record<string, string> = {};
  const settings = options.spec ?? spec;
  if (options.spec !== null) Object.assign(annotations, { [ANNOTATIONS.spec]: JSON.stringify(settings), [ANNOTATIONS.specHash]: specHash(settings) });
  if (options.intent) Object.assign(annotations, intentAnnotations(options.intent));
  if (options.intent && options.started) annotations[ANNOTATIONS.operationStarted] = options.intent.job;
  if (options.deleting === 'annotation') annotations[ANNOTATIONS.deleting] = new Date(NOW).toISOString();
  if (options.lastSeq !== undefined) annotations[ANNOTATIONS.lastSeq] = String(options.lastSeq);
  return {
    metadata: {
      name: 'store-shop1', uid: options.uid ?? 'u1', annotations,
      labels: { 'storefleet.io/store': 'shop1', 'storefleet.io/tenant': options.tenant ?? 'alice' },
      ...(options.deleting === 'timestamp' ? { deletionTimestamp: new Date(NOW) } : {}),
    },
  };
}

function job(name: string, condition?: 'Complete' | 'Failed', storeUid = 'u1'): V1Job {
  return {
    metadata: { name, labels: { 'storefleet.io/store': 'shop1', 'storefleet.io/store-uid': storeUid } },
    status: condition ? { conditions: [{ type: condition, status: 'True' }] } : {},
  };
}
const noPods: V1Pod[] = [];

describe('whether the store has moved on from a Job', () => {
  it.each([
    ['its namespace is gone', undefined, true],
    ['a later store of the name has it', namespace({ intent: install, uid: 'u2' }), true],
    ['it is being deleted', namespace({ intent: install, deleting: 'timestamp' }), true],
    ['it is on another intent', namespace({ intent: upgrade }), true],
    ['it is still on that Job', namespace({ intent: install }), false],
  ])('%s: %s', (_case, now, moved) => {
    expect(movedOn(now, 'u1', install.job)).toBe(moved);
  });
});

describe('how far the current operation has come', () => {
  it.each<[string, V1Namespace, V1Job | undefined, OperationProgress]>([
    ['not started yet counts as running', namespace({ intent: install }), undefined, 'running'],
    ['started, its Job gone: failed', namespace({ intent: install, started: true }), undefined, 'failed'],
    ['its Job runs', namespace({ intent: install, started: true }), job(install.job), 'running'],
    ['its Job completed', namespace({ intent: install, started: true }), job(install.job, 'Complete'), 'succeeded'],
    ['its Job failed', namespace({ intent: install, started: true }), job(install.job, 'Failed'), 'failed'],
  ])('%s', (_case, ns, found, progress) => {
    expect(progressOf(ns, install, found, noPods)).toBe(progress);
  });
});

describe('a create of a name that exists', () => {
  const hash = specHash(spec);
  it.each([
    ['another tenant has it', namespace({ tenant: 'bob' }), hash, { kind: 'conflict', message: 'The store name "shop1" is taken.' }],
    ['it is being deleted', namespace({ deleting: 'timestamp' }), hash, { kind: 'conflict', message: expect.stringMatching(/being deleted; create it again/) }],
    ['its delete was asked for', namespace({ deleting: 'annotation' }), hash, { kind: 'conflict', message: expect.stringMatching(/being deleted/) }],
    ['the same create is in flight', namespace({ intent: install }), hash, { kind: 'existing', job: install.job }],
    ['the same create died before its Job', namespace({ intent: oldInstall }), hash, { kind: 'resume' }],
    ['it has a started operation: its Job decides', namespace({ intent: install, started: true }), hash, { kind: 'ask-job', intent: install, sameSpec: true }],
    ['an unstarted one with other settings: its Job decides', namespace({ intent: install }), 'other', { kind: 'ask-job', intent: install, sameSpec: false }],
    ['no operation, same settings', namespace(), hash, { kind: 'existing' }],
    ['no operation, other settings', namespace(), 'other', { kind: 'conflict', message: expect.stringMatching(/different settings; change it with PATCH/) }],
  ])('%s', (_case, ns, specHashAsked, outcome) => {
    expect(admitExisting(ns, 'alice', specHashAsked, NOW)).toEqual(outcome);
  });

  it.each([
    ['a failed install is retried', install, true, true, { kind: 'retry' }],
    ['a failed install is retried with other settings too', install, false, true, { kind: 'retry' }],
    ['a failed upgrade is not an install to retry', upgrade, true, true, { kind: 'existing' }],
    ['a running install with the same settings is the answer', install, true, false, { kind: 'existing' }],
    ['other settings are a conflict', install, false, false, { kind: 'conflict', message: expect.stringMatching(/different settings/) }],
  ])('%s', (_case, intent, sameSpec, failed, outcome) => {
    expect(afterLatestJob('shop1', intent, sameSpec, failed)).toEqual(outcome);
  });
});

describe('whether an operation may be recorded', () => {
  it.each<[string, Parameters<typeof mayStart>, ReturnType<typeof mayStart>]>([
    ['a retried install is recorded over the failed one', ['install', install, 'failed', 'shop1', install.job], { kind: 'record' }],
    ['a second retry keeps the first retry\'s install', ['install', buildIntent('shop1', 'install', 2), 'running', 'shop1', install.job], { kind: 'keep' }],
    ['a DELETE again gets the running uninstall', ['uninstall', uninstall, 'running', 'shop1'], { kind: 'keep' }],
    ['a DELETE again gets the succeeded uninstall', ['uninstall', uninstall, 'succeeded', 'shop1'], { kind: 'keep' }],
    ['a DELETE after a failed uninstall uninstalls again', ['uninstall', uninstall, 'failed', 'shop1'], { kind: 'record' }],
    ['a DELETE stops a running install', ['uninstall', install, 'running', 'shop1'], { kind: 'record' }],
    ['a change waits for a running operation', ['upgrade', install, 'running', 'shop1'], { kind: 'refuse', message: `Store "shop1" is busy with ${install.job}; try again when it has finished.` }],
    ['a rollback waits too', ['rollback', upgrade, 'running', 'shop1'], { kind: 'refuse', message: expect.stringMatching(/busy with shop1-upgrade-2/) }],
    ['a change after a finished operation', ['upgrade', install, 'succeeded', 'shop1'], { kind: 'record' }],
    ['a change after a failed operation', ['upgrade', install, 'failed', 'shop1'], { kind: 'record' }],
    ['a change of a store with no operation', ['upgrade', undefined, 'none', 'shop1'], { kind: 'record' }],
  ])('%s', (_case, args, decision) => {
    expect(mayStart(...args)).toEqual(decision);
  });

  it.each([
    ['being deleted', namespace({ deleting: 'timestamp' }), { spec }, 'The store "shop1" is being deleted.'],
    ['its delete asked for, to a change', namespace({ deleting: 'annotation' }), { spec }, 'The store "shop1" is being deleted.'],
    ['its delete asked for, to a delete', namespace({ deleting: 'annotation' }), { deleting: true }, undefined],
    ['settings unreadable, and none given', namespace({ spec: null }), { deleting: true }, expect.stringMatching(/cannot be read/)],
    ['settings unreadable, new ones given', namespace({ spec: null }), { spec }, undefined],
    ['a readable store', namespace(), {}, undefined],
  ])('refused outright when %s', (_case, ns, request, refusal) => {
    expect(recordRefusal(ns, 'shop1', request)).toEqual(refusal);
  });
});

describe('what is left to do', () => {
  it.each([
    ['the last recorded seq is higher', namespace({ lastSeq: 7 }), 3, 8],
    ['a Job of the name is higher', namespace({ lastSeq: 2 }), 5, 6],
    ['nothing yet', namespace(), 0, 1],
  ])('the next seq: %s', (_case, ns, highest, seq) => {
    expect(nextSeq(ns, highest)).toBe(seq);
  });

  it.each([
    ['no new settings', undefined, false],
    ['the same host', spec, false],
    ['another host', { ...spec, host: 'shop1.example.com' }, true],
  ])('a host move: %s', (_case, asked, moving) => {
    expect(movesHost(namespace(), asked)).toBe(moving);
  });

  it('prepares an uninstall with the provisioner\'s identity and stops the rest; anything else with guardrails', () => {
    expect(preparationSteps('uninstall')).toEqual(['api-access', 'provisioner-identity', 'stop-others']);
    for (const operation of ['install', 'upgrade', 'rollback'] as const) expect(preparationSteps(operation)).toEqual(['api-access', 'guardrails']);
  });

  it.each([
    ['none found', undefined, 'none'],
    ['this store\'s', job(install.job), 'this-store'],
    ['an earlier store\'s of the name', job(install.job, undefined, 'u0'), 'earlier-store'],
  ])('whose Job the intent\'s name is: %s', (_case, found, owner) => {
    expect(jobOwner(found, namespace({ intent: install }))).toBe(owner);
  });

  it.each([
    ['the intent is another Job', namespace({ intent: upgrade }), false],
    ['already marked', namespace({ intent: install, started: true }), false],
    ['not marked yet', namespace({ intent: install }), true],
  ])('the started mark: %s', (_case, ns, needed) => {
    expect(needsStartedMark(ns, install.job)).toBe(needed);
  });

  it('stops every running Job but the one to keep, and leaves finished ones', () => {
    const jobs = [job('shop1-install-1'), job('shop1-upgrade-2', 'Complete'), job('shop1-upgrade-3', 'Failed'), job('shop1-uninstall-4')];
    expect(jobsToStop(jobs, noPods, 'shop1-uninstall-4').map((j) => j.metadata!.name)).toEqual(['shop1-install-1']);
  });
});
