// Parses params, query and body with zod into ctx.state.input; handlers never read raw input.
import type { Context, Next } from 'koa';
import type { z } from 'zod';

export interface InputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

export function validate(schemas: InputSchemas) {
  return async (ctx: Context & { params?: Record<string, string> }, next: Next) => {
    ctx.state.input = {
      params: schemas.params ? schemas.params.parse(ctx.params ?? {}) : undefined,
      query: schemas.query ? schemas.query.parse(ctx.query) : undefined,
      // A request without a body is an empty object: schemas say what is required.
      body: schemas.body ? schemas.body.parse((ctx.request as { body?: unknown }).body ?? {}) : undefined,
    };
    await next();
  };
}
