/**
 * `notifications.yml` at the root of the config repo: which Slack incoming webhook each team's
 * ready-PR messages go to. Parsed strictly (unknown keys are errors) with every problem located
 * at its line and column, like the manifests. Webhook URLs must be https; the Slack adapter
 * additionally restricts hosts, so a config repo edit cannot turn the app into a proxy.
 *
 * ```yaml
 * version: 1
 * teams:
 *   "@acme/payments": https://hooks.slack.com/services/T000/B000/XXXX
 *   "@acme/web": https://hooks.slack.com/services/T000/B001/YYYY
 * default: https://hooks.slack.com/services/T000/B002/ZZZZ   # optional
 * ```
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { buildManifestLocator } from '../manifest/locate.ts';
import { oneLine, renderPath, type ValidationMessage } from '../manifest/validation-message.ts';

/** Path of the file in the config repo (default branch). Missing file = no notifications. */
export const NOTIFICATIONS_CONFIG_PATH = 'notifications.yml';

/** The team name under which PRs owned by no configured team are batched. */
export const DEFAULT_CHANNEL = 'default';

const MAX_BYTES = 64 * 1024;

const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const WebhookUrl = z
  .string()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    },
    { error: 'expected an https:// Slack incoming-webhook URL' },
  )
  .describe('A Slack incoming-webhook URL (https://hooks.slack.com/services/…).');

export const NotificationsConfig = z
  .strictObject({
    version: z.literal(1).describe('Format version. Always `1`.'),
    teams: z
      .record(
        z
          .string()
          .regex(TEAM, { error: 'expected a team as written in CODEOWNERS, such as `@acme/payments`' }),
        WebhookUrl,
      )
      .default({})
      .describe(
        'Code-owner team (`@org/team`) → webhook. A ready PR notifies the teams owning its changed files.',
      ),
    default: WebhookUrl.optional().describe(
      'Webhook for ready PRs whose changed files are owned by no team listed in `teams`.',
    ),
  })
  .describe('Slack notifications for PRs handed over to code owners.');
export type NotificationsConfig = z.infer<typeof NotificationsConfig>;

export type ParseNotificationsConfigResult =
  { ok: true; config: NotificationsConfig } | { ok: false; errors: ValidationMessage[] };

/** Parses `notifications.yml`. Never throws: every problem is a located `ValidationMessage`. */
export function parseNotificationsConfig(
  text: string,
  source = NOTIFICATIONS_CONFIG_PATH,
): ParseNotificationsConfigResult {
  const at = (
    line: number,
    column: number,
    code: ValidationMessage['code'],
    message: string,
    path?: string,
  ) =>
    ({
      source,
      line,
      column,
      severity: 'error',
      code,
      message,
      ...(path === undefined ? {} : { path }),
    }) satisfies ValidationMessage;

  if (new TextEncoder().encode(text).length > MAX_BYTES) {
    return { ok: false, errors: [at(1, 1, 'too-large', `the file is larger than ${MAX_BYTES} bytes`)] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.startsWith('\uFEFF') ? text.slice(1) : text, {
    lineCounter,
    prettyErrors: false,
    strict: true,
    uniqueKeys: true,
    version: '1.2',
  });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return at(line, col, 'yaml-syntax', `YAML syntax: ${oneLine(e.message)}`);
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    return {
      ok: false,
      errors: [
        at(1, 1, 'yaml-syntax', `YAML: ${cause instanceof Error ? oneLine(cause.message) : 'unreadable'}`),
      ],
    };
  }
  const locator = buildManifestLocator(doc, lineCounter);
  const parsed = NotificationsConfig.safeParse(data ?? undefined);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.flatMap((issue) => {
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => {
            const path = [...issue.path, key];
            const where = locator.locate(path, 'key');
            return at(
              where.line,
              where.column,
              'unknown-key',
              `unknown key '${oneLine(key, 60)}'`,
              renderPath(path),
            );
          });
        }
        // Record keys that fail their regex are reported on the key itself.
        const target = issue.code === 'invalid_key' ? 'key' : 'value';
        const where = locator.locate(issue.path, target);
        const path = renderPath(issue.path);
        const missing =
          (issue.code === 'invalid_type' || issue.code === 'invalid_value') &&
          issue.input === undefined &&
          issue.path.length > 0;
        const text =
          issue.code === 'invalid_key'
            ? `invalid team '${oneLine(String(issue.path.at(-1)), 60)}': ${oneLine(issue.issues[0]?.message ?? issue.message)}`
            : missing
              ? `missing required key '${path}'`
              : `${path === '' ? '' : `${path}: `}${oneLine(issue.message)}`;
        return [at(where.line, where.column, missing ? 'missing-key' : 'schema', text, path || undefined)];
      }),
    };
  }
  // CODEOWNERS team names are case-insensitive on GitHub; two keys differing only in case are ambiguous.
  const seen = new Map<string, string>();
  const errors: ValidationMessage[] = [];
  for (const team of Object.keys(parsed.data.teams)) {
    const key = team.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      const where = locator.locate(['teams', team], 'key');
      errors.push(
        at(
          where.line,
          where.column,
          'schema',
          `team '${team}' is listed twice (as '${first}'); team names are case-insensitive`,
          `teams.${team}`,
        ),
      );
    } else seen.set(key, team);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: parsed.data };
}

/**
 * Where a ready PR is announced: the configured teams among its code owners (normalised to
 * lower case, deduplicated, in owner order), or the default channel when none is configured.
 * `[]` when neither applies (no notification).
 */
export function resolveNotificationTeams(
  config: NotificationsConfig,
  codeOwners: readonly string[],
): Array<{ team: string; webhookUrl: string }> {
  const byTeam = new Map(Object.entries(config.teams).map(([team, url]) => [team.toLowerCase(), url]));
  const out: Array<{ team: string; webhookUrl: string }> = [];
  const seen = new Set<string>();
  for (const owner of codeOwners) {
    const team = owner.toLowerCase();
    const url = byTeam.get(team);
    if (url === undefined || seen.has(team)) continue;
    seen.add(team);
    out.push({ team, webhookUrl: url });
  }
  if (out.length === 0 && config.default !== undefined) {
    out.push({ team: DEFAULT_CHANNEL, webhookUrl: config.default });
  }
  return out;
}
