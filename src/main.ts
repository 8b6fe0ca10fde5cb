/**
 * `npm start`: runs the Probot server. Without APP_ID / PRIVATE_KEY Probot serves its setup
 * page, which registers the GitHub App from app.yml; with them it serves webhooks at
 * WEBHOOK_PATH (default /api/github/webhooks). Do not add logic here; see src/index.ts.
 */
import { run } from 'probot';
import fleetwright from './index.ts';

await run(fleetwright);
