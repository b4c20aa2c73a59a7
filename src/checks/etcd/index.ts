import type { Check } from '../registry.js';
import clientCertAuth from './client-cert-auth.js';
import trustedCa from './trusted-ca.js';
import listenAddresses from './listen-addresses.js';
import metricsUrl from './metrics-url.js';
import dedicatedHosts from './dedicated-hosts.js';
import peerCertAllowedCn from './peer-cert-allowed-cn.js';
import manifestPermissions from './manifest-permissions.js';
import dataDirPermissions from './data-dir-permissions.js';

export const etcdChecks: readonly Check[] = [clientCertAuth, trustedCa, listenAddresses, metricsUrl, dedicatedHosts, peerCertAllowedCn, manifestPermissions, dataDirPermissions];
