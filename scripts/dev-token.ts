// `npm start` hands a developer the known token "dev-token" only when nothing else says who
// may sign in: once any token source is configured, the API accepts exactly those tokens.
export const TOKEN_SOURCES = ['STOREFLEET_API_TOKENS', 'STOREFLEET_API_TOKENS_FILE', 'STOREFLEET_DEV_TOKEN'] as const;
export const DEV_TOKEN = 'dev-token';

/** Whether `npm start` should add the dev token (an empty variable is no source, as the API reads it). */
export const needsDevToken = (env: Record<string, string | undefined>) => TOKEN_SOURCES.every((name) => !env[name]);
