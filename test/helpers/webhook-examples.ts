/**
 * Real webhook payloads recorded by GitHub (`@octokit/webhooks-examples`), adjusted per test.
 * Starting from a real payload keeps handler tests honest about the fields GitHub sends.
 */
import { createRequire } from 'node:module';

interface WebhookExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const sets = require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookExampleSet[];

/** Webhook examples this repository's tests use; a typo fails `tsc`. */
export type WebhookExample =
  | 'push.branch'
  | 'pull_request.opened'
  | 'pull_request.synchronize'
  | 'pull_request.reopened'
  | 'check_run.rerequested'
  | 'check_suite.rerequested';

/** A payload that tests edit freely before handing it to `probot.receive`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reshape real payloads field by field
export type EditablePayload = Record<string, any>;

/** A deep copy of the first recorded example of the event (and action) that has an installation. */
export function loadWebhookExample(example: WebhookExample): EditablePayload {
  const [name, action] = example.split('.') as [string, string];
  const set = sets.find((candidate) => candidate.name === name);
  const found = set?.examples.find((payload) =>
    name === 'push'
      ? typeof payload.ref === 'string' && payload.ref.startsWith('refs/heads/') && payload.installation
      : payload.action === action && payload.installation,
  );
  if (!found) throw new Error(`no webhook example for ${example}`);
  return structuredClone(found) as EditablePayload;
}
