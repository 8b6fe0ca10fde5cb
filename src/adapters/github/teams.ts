/**
 * Organization teams: whether a person belongs to a team listed as a migration owner
 * (`review.owners: ["@org/team"]`). Needs the organization permission Members: read (app.yml).
 */
import type { TeamMembership } from '../../ports/git-host.ts';
import type { AdapterContext } from './client.ts';
import { attempt, isNotFound } from './map-request-error.ts';

/**
 * `GET /orgs/{org}/teams/{team_slug}/memberships/{username}`: `active` or `pending`, `undefined`
 * on 404 (no such team, or not a member). 403 and every other failure throw (fail closed).
 * https://docs.github.com/en/rest/teams/members#get-team-membership-for-a-user
 */
export async function findTeamMembership(
  ctx: AdapterContext,
  org: string,
  teamSlug: string,
  login: string,
): Promise<TeamMembership | undefined> {
  return attempt(`read membership of ${login} in team ${org}/${teamSlug}`, async () => {
    try {
      const { data } = await ctx.octokit.rest.teams.getMembershipForUserInOrg({
        org,
        team_slug: teamSlug,
        username: login,
      });
      // Only the two documented states count; anything else is not a membership.
      return data.state === 'active' || data.state === 'pending' ? data.state : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
}
