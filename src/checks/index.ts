/** Every check of kubeward, by practice. Each practice folder owns its own index. */
import type { Check } from './registry.js';
import unreadable from './input/unreadable.js';
import managedControlPlane from './input/managed-control-plane.js';
import { tlsChecks } from './tls/index.js';
import { rbacChecks } from './rbac/index.js';
import { authnChecks } from './authn/index.js';
import { etcdChecks } from './etcd/index.js';
import { encryptionChecks } from './encryption/index.js';

export const allChecks: readonly Check[] = [unreadable, managedControlPlane, ...tlsChecks, ...rbacChecks, ...authnChecks, ...etcdChecks, ...encryptionChecks];
