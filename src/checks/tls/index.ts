import type { Check } from '../registry.js';
import apiserverEtcdClientCert from './apiserver-etcd-client-cert.js';
import apiserverEtcdCa from './apiserver-etcd-ca.js';
import etcdServersHttps from './etcd-servers-https.js';
import apiserverKubeletClientCert from './apiserver-kubelet-client-cert.js';
import apiserverKubeletCa from './apiserver-kubelet-ca.js';
import apiserverKubeletHttps from './apiserver-kubelet-https.js';
import apiserverServingCert from './apiserver-serving-cert.js';
import apiserverClientCa from './apiserver-client-ca.js';
import apiserverCipherSuites from './apiserver-cipher-suites.js';
import insecurePort from './insecure-port.js';
import tlsMinVersion from './tls-min-version.js';
import controllerManagerRootCa from './controller-manager-root-ca.js';
import controllerManagerBindAddress from './controller-manager-bind-address.js';
import schedulerBindAddress from './scheduler-bind-address.js';
import kubeconfigInsecure from './kubeconfig-insecure.js';
import etcdClientCert from './etcd-client-cert.js';
import etcdClientUrlsHttps from './etcd-client-urls-https.js';
import etcdAutoTls from './etcd-auto-tls.js';
import etcdPeerCert from './etcd-peer-cert.js';
import etcdPeerTrustedCa from './etcd-peer-trusted-ca.js';
import etcdPeerClientCertAuth from './etcd-peer-client-cert-auth.js';
import etcdPeerAutoTls from './etcd-peer-auto-tls.js';
import etcdPeerUrlsHttps from './etcd-peer-urls-https.js';
import kubeletAnonymousAuth from './kubelet-anonymous-auth.js';
import kubeletClientCa from './kubelet-client-ca.js';
import kubeletReadOnlyPort from './kubelet-read-only-port.js';
import kubeletServingCert from './kubelet-serving-cert.js';
import kubeletRotateCertificates from './kubelet-rotate-certificates.js';
import kubeletCipherSuites from './kubelet-cipher-suites.js';
import kubeletHostnameOverride from './kubelet-hostname-override.js';
import cniEtcdTls from './cni-etcd-tls.js';
import pkiFilePermissions from './pki-file-permissions.js';
import kubeconfigFilePermissions from './kubeconfig-file-permissions.js';
import kubeletFilePermissions from './kubelet-file-permissions.js';
import cniFilePermissions from './cni-file-permissions.js';
import bootstrapTokenExpiry from './bootstrap-token-expiry.js';
import bootstrapTokenGroups from './bootstrap-token-groups.js';
import bootstrapCsrApproval from './bootstrap-csr-approval.js';
import bootstrapServingCsrs from './bootstrap-serving-csrs.js';

export const tlsChecks: readonly Check[] = [
  apiserverEtcdClientCert,
  apiserverEtcdCa,
  etcdServersHttps,
  apiserverKubeletClientCert,
  apiserverKubeletCa,
  apiserverKubeletHttps,
  apiserverServingCert,
  apiserverClientCa,
  apiserverCipherSuites,
  insecurePort,
  tlsMinVersion,
  controllerManagerRootCa,
  controllerManagerBindAddress,
  schedulerBindAddress,
  kubeconfigInsecure,
  etcdClientCert,
  etcdClientUrlsHttps,
  etcdAutoTls,
  etcdPeerCert,
  etcdPeerTrustedCa,
  etcdPeerClientCertAuth,
  etcdPeerAutoTls,
  etcdPeerUrlsHttps,
  kubeletAnonymousAuth,
  kubeletClientCa,
  kubeletReadOnlyPort,
  kubeletServingCert,
  kubeletRotateCertificates,
  kubeletCipherSuites,
  kubeletHostnameOverride,
  cniEtcdTls,
  pkiFilePermissions,
  kubeconfigFilePermissions,
  kubeletFilePermissions,
  cniFilePermissions,
  bootstrapTokenExpiry,
  bootstrapTokenGroups,
  bootstrapCsrApproval,
  bootstrapServingCsrs,
];
