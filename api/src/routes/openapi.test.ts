import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument();

  it('is OpenAPI 3.1 and lists every API route', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/capacity', '/api/v1/plans', '/api/v1/stores', '/api/v1/stores/{name}', '/api/v1/stores/{name}/admin-credentials',
      '/api/v1/stores/{name}/events', '/api/v1/stores/{name}/health', '/api/v1/stores/{name}/logs', '/api/v1/stores/{name}/revisions', '/api/v1/stores/{name}/rollback',
      '/stores', '/stores/{name}',
    ]);
  });

  it('carries the validation rules of the zod schemas', () => {
    const create = document.paths['/api/v1/stores'].post.requestBody.content['application/json'].schema as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(['name']);
    expect(create.properties.name.pattern).toBe('^[a-z][a-z0-9-]{1,30}[a-z0-9]$');
    expect(create.properties.plan.enum).toEqual(['small', 'medium', 'large']);
  });

  it('says which hosts a store may have, and the answers when it may not', () => {
    const create = document.paths['/api/v1/stores'].post;
    const host = (create.requestBody.content['application/json'].schema as { properties: Record<string, { description?: string }> }).properties.host!;
    expect(host.description).toMatch(/<name>\.<base domain>.*one store per host/);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['409', '422']));
    expect(Object.keys(document.paths['/api/v1/stores/{name}'].patch.responses)).toContain('422');
  });

  it('documents the list\'s paging, filters and sort, from the same schema that checks them', () => {
    const list = document.paths['/api/v1/stores'].get;
    expect(list.parameters.map((p) => p.name)).toEqual(['limit', 'continue', 'phase', 'q', 'sort']);
    expect(list.parameters.find((p) => p.name === 'sort')!.schema).toMatchObject({ default: 'name', enum: ['name', '-name', 'createdAt', '-createdAt', 'phase', '-phase'] });
    expect(Object.keys(list.responses)).toEqual(['200', '400', '401', '403', '429']);
  });

  it('documents the answers any route can give, and Retry-After where the client should wait', () => {
    type Operation = { operationId: string; responses: Record<string, { headers?: Record<string, unknown> }> };
    const operations = Object.values(document.paths).flatMap((path) => Object.values(path).filter((o): o is Operation => typeof o === 'object' && 'responses' in o));
    expect(operations).toHaveLength(15);
    for (const { operationId, responses } of operations) {
      expect(Object.keys(responses), operationId).toEqual(expect.arrayContaining(['401', '403', '429']));
      expect(responses['429']!.headers, operationId).toHaveProperty('Retry-After');
    }
    const writes = operations.filter((o) => /^(create|change|delete|rollback)/.test(o.operationId));
    expect(writes.map((o) => o.operationId)).toHaveLength(6);
    for (const { operationId, responses } of writes) {
      expect(Object.keys(responses), operationId).toEqual(expect.arrayContaining(['502', '503']));
      expect(responses['503']!.headers, operationId).toHaveProperty('Retry-After');
    }
  });

  it('describes what the API answers and streams from the contract\'s schemas', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const schemas = document.components.schemas as Record<string, { properties?: Record<string, any> }>;
    expect(Object.keys(schemas)).toEqual(['Error', 'StoreView', 'StorePage', 'Revision', 'ShopHealth', 'Capacity', 'PlanSummary', 'AdminCredentials', 'StatusEvent', 'LogEvent', 'ProgressEvent']);
    expect(schemas.StoreView!.properties!.state.properties.code.enum).toContain('QuotaExceeded');
    expect(schemas.StatusEvent!.properties!.phase.enum).toContain('Deleted');
    expect(schemas.Capacity!.properties!.free.properties.cpu.type).toBe('string');
    expect(document.paths['/api/v1/stores/{name}'].get.responses[200].content['application/json'].schema).toMatchObject({ properties: { store: { $ref: '#/components/schemas/StoreView' } } });
  });
});
