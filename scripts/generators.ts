/**
 * Generated files that are committed and checked for staleness in CI (`npm run check:generated`).
 * Add an entry here for every generated artefact (JSON Schemas, the Action's bundle).
 */
export interface Generator {
  /** Repo-relative path of the committed file. */
  path: string;
  description: string;
  /** Renders the file's exact expected contents. */
  render(): Promise<string>;
}

export const generators: Generator[] = [
  {
    path: 'schemas/manifest.schema.json',
    description: 'JSON Schema of the migration manifest, generated from src/core/manifest/schema.ts',
    render: async () => (await import('../src/core/manifest/json-schema.ts')).renderManifestJsonSchema(),
  },
  {
    path: 'action/dist/index.js',
    description: 'the companion Action bundle (esbuild)',
    render: async () => (await import('./build-action.ts')).buildActionBundle(),
  },
  {
    path: 'action/dist/condense-worker.js',
    description: "the companion Action's condense worker (esbuild)",
    render: async () => (await import('./build-action.ts')).buildActionWorkerBundle(),
  },
];
