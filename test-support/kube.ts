// Kubernetes names and answers as the suites need them: the one platform namespace, and the
// HTTP status of a failed client-node call (the API's own statusCode, so both read errors alike).
import { PLATFORM_NAMESPACE } from '../api/src/store/names.ts';

export { statusCode } from '../api/src/kube/clients.ts';

/** The platform namespace, where the API, the provisioner Jobs and their records live. */
export const SYSTEM = PLATFORM_NAMESPACE;
