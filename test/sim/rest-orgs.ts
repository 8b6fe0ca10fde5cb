/**
 * REST routes on organizations: team memberships (`/migrate approve` by members of an owner
 * team listed as `@org/team`). GitHub answers 404 for a team it does not know or a user who is
 * not in it, `state: pending` for an invitation not yet accepted, and 403 to an app installed
 * without the organization's Members permission.
 */
import { HttpError, notFound } from './http-error.ts';
import type { Route } from './route.ts';

export const orgRoutes: Route[] = [
  {
    method: 'GET',
    template: '/orgs/{org}/teams/{team_slug}/memberships/{username}',
    handler: ({ sim, params, installationId }) => {
      const org = params.org!.toLowerCase();
      if (installationId !== undefined) {
        const installation = sim.installations.get(installationId);
        // An installation sees only its own organization.
        if (installation?.account.login.toLowerCase() !== org) throw notFound();
        if (!sim.appPermissions.members) throw new HttpError(403, 'Resource not accessible by integration');
      }
      const team = sim.teams.get(`${org}/${params.team_slug!.toLowerCase()}`);
      const state = team?.get(params.username!.toLowerCase());
      if (!team || state === undefined) throw notFound();
      return {
        json: {
          url: `${sim.apiUrl}/organizations/1/team/1/memberships/${params.username}`,
          role: 'member',
          state,
        },
      };
    },
  },
];
