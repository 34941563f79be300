// The store-name rule, with no dependencies: the API's input schema and the <store-manager>
// create form both import it, so a name accepted as you type is a name the API accepts.
export const STORE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

/** Names that would read as the platform's own or Kubernetes' objects. */
export const RESERVED_STORE_NAMES: ReadonlySet<string> = new Set([
  'admin', 'api', 'default', 'kube', 'kube-system', 'kube-public', 'kube-node-lease', 'system',
  'storefleet', 'storefleet-system', 'www', 'wordpress', 'mariadb', 'test', 'status', 'health',
]);

export const STORE_NAME_RULE = 'A store name is 3-32 lowercase letters, digits and dashes, starting with a letter.';
export const STORE_NAME_RESERVED = 'This store name is reserved.';

/** Why a name is refused, or undefined when the API will accept it. */
export function storeNameProblem(name: string): string | undefined {
  if (!STORE_NAME_PATTERN.test(name)) return STORE_NAME_RULE;
  if (RESERVED_STORE_NAMES.has(name)) return STORE_NAME_RESERVED;
  return undefined;
}
