/**
 * `npm start`: runs the Probot server. Without APP_ID / PRIVATE_KEY Probot serves its setup
 * page, which registers the GitHub App from app.yml; with them it serves webhooks at
 * WEBHOOK_PATH. Do not add logic here; see src/index.ts.
 */
import { run } from 'probot';
import { DEFAULT_WEBHOOK_PATH } from './app-config.ts';
import fleetwright from './index.ts';

// Probot's setup page registers the app's webhook URL as the site root (`${baseUrl}/`, see
// probot/lib/manifest-creation.js) unless a smee channel is used, while Probot itself listens on
// /api/github/webhooks by default: a fresh install would post every webhook into a 404. Listen
// where the registration points. An explicit WEBHOOK_PATH (environment or .env) still wins.
process.env.WEBHOOK_PATH ??= DEFAULT_WEBHOOK_PATH;

await run(fleetwright);
