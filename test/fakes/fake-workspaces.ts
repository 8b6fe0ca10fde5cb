/** A WorkspaceFactory that never touches the disk: it records what it was asked to create. */
import type { Workspace, WorkspaceFactory } from '../../src/ports/workspace.ts';

export class FakeWorkspaces implements WorkspaceFactory {
  created = 0;
  disposed = 0;

  async fromTarball(tarball: Uint8Array, options: { label: string }): Promise<Workspace> {
    if (tarball.byteLength === 0) throw new Error('empty tarball');
    this.created += 1;
    return {
      root: `/virtual/${options.label}`,
      dispose: async () => {
        this.disposed += 1;
      },
    };
  }
}
