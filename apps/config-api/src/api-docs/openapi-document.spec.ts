import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocumentText } from './write-openapi-document';

const ROOT = join(__dirname, '../../../..');
const REGENERATE = 'npm run dashboard:api';

/**
 * The dashboard's API types come from docs/openapi.json, which comes from the routes'
 * decorators. Both files are committed; this fails when either is out of date, so the API and
 * the dashboard cannot drift apart unnoticed.
 */
describe('the committed OpenAPI document and the dashboard types generated from it', () => {
  it('docs/openapi.json is the document the routes declare', async () => {
    const committed = readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8');
    expect({ upToDate: (await openApiDocumentText()) === committed, fix: REGENERATE }).toEqual({ upToDate: true, fix: REGENERATE });
  });

  it('apps/dashboard/src/api/schema.d.ts is generated from docs/openapi.json', () => {
    const generated = join(mkdtempSync(join(tmpdir(), 'wirehook-openapi-')), 'schema.d.ts');
    const cli = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
    execFileSync(process.execPath, [cli, join(ROOT, 'docs/openapi.json'), '-o', generated], { stdio: 'pipe' });
    const upToDate = readFileSync(generated, 'utf8') === readFileSync(join(ROOT, 'apps/dashboard/src/api/schema.d.ts'), 'utf8');
    expect({ upToDate, fix: REGENERATE }).toEqual({ upToDate: true, fix: REGENERATE });
  });
});
