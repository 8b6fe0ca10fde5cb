import { describe, expect, it } from 'vitest';
import { completeGitHost } from '../../../src/adapters/github/complete-git-host.ts';
import { GitHostError } from '../../../src/shared/errors.ts';

class Partial {
  readonly #head = 'abc';
  async findBranchHead(): Promise<string> {
    return this.#head;
  }
}

describe('adapters/github/complete-git-host', () => {
  it('delegates what the adapter has (private fields intact) and rejects the rest by name', async () => {
    const host = completeGitHost(new Partial());

    await expect(host.findBranchHead({ owner: 'a', repo: 'b' }, 'main')).resolves.toBe('abc');
    const failure = host.listRepositories();
    await expect(failure).rejects.toBeInstanceOf(GitHostError);
    await expect(failure).rejects.toThrow('GitHost.listRepositories is not implemented');
  });
});
