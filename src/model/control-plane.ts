/**
 * The typed control-plane model: what the sources read, with where each fact came from.
 * No I/O and no judging here; checks read it through the functions in effective.ts.
 * Secrets never enter the model as values: key files become KeyFacts (type, size, fingerprint),
 * encryption keys become EncryptionKeyFacts (name, length, fingerprint), tokens become counts.
 */
import type { Practice } from './finding.js';

/** Where a fact was read. `file` is relative to the node root (or snapshot), as a user would look it up. */
export interface Location {
  kind: 'file' | 'unit' | 'env' | 'proc' | 'api' | 'snapshot';
  file?: string;
  line?: number;
  pid?: number;
  /** API object, e.g. "kube-system/Pod/kube-apiserver-cp-1" */
  object?: string;
}

export interface FlagOccurrence {
  value: string;
  at: Location;
}

/** One command-line flag as pflag sees it: the last occurrence wins for scalars, all occurrences accumulate for arrays. */
export interface FlagSetting {
  /** without leading dashes */
  name: string;
  /** the last occurrence ("true" for a bare boolean flag) */
  value: string;
  at: Location;
  occurrences: FlagOccurrence[];
}

export type ComponentKind =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'etcd'
  | 'kubelet'
  | 'flanneld';

/** How the component is run on its host. */
export type ComponentOrigin = 'static-pod' | 'mirror-pod' | 'systemd' | 'process' | 'config-file';

export interface Version {
  major: number;
  minor: number;
  patch?: number;
  /** the text it was read from, e.g. "v1.29.3" or "registry.k8s.io/kube-apiserver:v1.29.3" */
  raw: string;
  /** where: image tag, binary, /version, --kubernetes-version, kubeadm-config */
  from: string;
}

/** A container path mapped to a node path through a static pod's hostPath volume. */
export interface PathMapping {
  containerPath: string;
  /** absolute path on the node, e.g. "/etc/kubernetes/pki" */
  hostPath: string;
  readOnly: boolean;
}

/** One field of a config file, flattened to a dotted path ("authentication.anonymous.enabled"). */
export interface ConfigField {
  /** the parsed value (scalars, or whole arrays; objects are flattened into their leaves) */
  value: unknown;
  at: Location;
}

/** A component config file (kubelet --config plus its drop-ins, etcd --config-file), merged as the component merges it. */
export interface ComponentConfig {
  /** display path of the main file */
  file: string;
  /** drop-in files merged after it, in merge order */
  dropIns: string[];
  fields: Record<string, ConfigField>;
}

export interface Component {
  kind: ComponentKind;
  host: string;
  /** pod name, unit name or process name */
  name: string;
  origin: ComponentOrigin;
  /** the manifest, unit file, /proc entry or API object that defines it */
  at: Location;
  flags: Record<string, FlagSetting>;
  /** environment variables that configure it (ETCD_*, FLANNELD_*), with where they were set */
  env: Record<string, FlagSetting>;
  /** kubelet --config (+ --config-dir) or etcd --config-file, when used */
  config?: ComponentConfig;
  image?: string;
  version?: Version;
  /** hostPath volume mounts of a static pod; empty for host processes */
  mounts: PathMapping[];
}

export interface KeyFacts {
  /** "rsa" | "ec" | "ed25519" | ... */
  type: string;
  /** RSA modulus bits or EC curve size */
  bits?: number;
  curve?: string;
  /** sha256 of the SPKI public key, hex: lets a key be matched to its certificate without holding it */
  publicKeyFingerprint: string;
  encrypted?: boolean;
}

export interface CertificateFacts {
  subject: string;
  commonName?: string;
  organizations: string[];
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  isCA: boolean;
  /** DNS:..., IP:... */
  sans: string[];
  keyUsage: string[];
  extKeyUsage: string[];
  signatureAlgorithm: string;
  key: Omit<KeyFacts, 'encrypted'>;
  /** sha256 of the DER, hex, colon-free */
  fingerprint: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  selfSigned: boolean;
}

export interface KubeconfigCluster {
  name: string;
  server?: string;
  insecureSkipTlsVerify: boolean;
  /** path of certificate-authority, or "(embedded)" for certificate-authority-data */
  certificateAuthority?: string;
  caCertificates: CertificateFacts[];
  line?: number;
}

export interface KubeconfigUser {
  name: string;
  /** where the client certificate is: a path, or "(embedded)" */
  clientCertificate?: string;
  clientCertificates: CertificateFacts[];
  clientKey?: string;
  /** a static token is present (its value never enters the model) */
  hasToken: boolean;
  hasBasicAuth: boolean;
  execCommand?: string;
  authProvider?: string;
  line?: number;
}

export interface KubeconfigFacts {
  currentContext?: string;
  clusters: KubeconfigCluster[];
  users: KubeconfigUser[];
  contexts: { name: string; cluster?: string; user?: string }[];
}

export interface EncryptionKeyFacts {
  name: string;
  /** decoded secret length in bytes (key bytes never enter the model) */
  length: number;
  /** sha256 of the decoded key, first 16 hex: tells keys apart across API servers without revealing them */
  fingerprint: string;
  line?: number;
}

export interface EncryptionProviderFacts {
  /** aescbc | aesgcm | secretbox | kms | identity */
  type: string;
  /** kms: name and apiVersion (v1 | v2) */
  name?: string;
  kmsApiVersion?: string;
  keys: EncryptionKeyFacts[];
  line?: number;
}

export interface EncryptionResourceFacts {
  /** e.g. ["secrets", "configmaps"] or ["*.*"] */
  resources: string[];
  providers: EncryptionProviderFacts[];
  line?: number;
}

export interface EncryptionConfigFacts {
  apiVersion?: string;
  kind?: string;
  resources: EncryptionResourceFacts[];
}

/** A CNI network config (conf or conflist) and, where its plugin uses etcd, how it connects. */
export interface CniPluginFacts {
  type: string;
  datastoreType?: string;
  etcdEndpoints: string[];
  etcdCaCertFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  line?: number;
}

export interface CniConfigFacts {
  file: string;
  name?: string;
  plugins: CniPluginFacts[];
}

/** What a source knows about one file on a node. Secret-bearing contents are reduced to facts. */
export interface NodeFile {
  /** display path relative to the node root, e.g. "etc/kubernetes/pki/ca.crt" */
  path: string;
  exists: boolean;
  type?: 'file' | 'directory' | 'symlink' | 'other';
  mode?: number;
  uid?: number;
  gid?: number;
  /** names from the node's /etc/passwd and /etc/group when they resolve */
  owner?: string;
  group?: string;
  size?: number;
  /** PEM certificates found in the file */
  certificates?: CertificateFacts[];
  privateKey?: KeyFacts;
  /** a PEM public key (e.g. the service-account sa.pub), matched to its private key by fingerprint */
  publicKey?: KeyFacts;
  kubeconfig?: KubeconfigFacts;
  encryptionConfig?: EncryptionConfigFacts;
  /** a parsed, secret-free config document (audit policy, AuthenticationConfiguration, AuthorizationConfiguration, admission config) */
  document?: unknown;
  /** dotted path → line, for documents */
  lines?: Record<string, number>;
  /** token-auth-file: number of entries (never the tokens) */
  entryCount?: number;
  /** for directories: display paths of the entries that were read */
  entries?: string[];
  /** why it could not be read or parsed */
  error?: string;
}

/** Something the sources could not read; becomes an `input/unreadable` info finding. */
export interface InputProblem {
  host: string;
  message: string;
  file?: string;
  line?: number;
  component?: string;
  practice?: Practice;
  object?: string;
}

export interface Host {
  name: string;
  /** what was read: a node root directory, a snapshot, or "live" */
  root: string;
  components: Component[];
  /** every file read on this host, by display path */
  files: Record<string, NodeFile>;
  cni: CniConfigFacts[];
  /** a kubelet on this host runs workloads (no NoSchedule control-plane taint known), when it can be told */
  runsWorkloads?: boolean;
  /** the node's addresses, when known (live source or config) */
  addresses: string[];
}

export interface WebhookFacts {
  configuration: string;
  kind: 'validating' | 'mutating';
  name: string;
  url?: string;
  service?: { namespace: string; name: string; port?: number; path?: string };
  hasCaBundle: boolean;
  failurePolicy?: string;
  object: string;
}

export interface ApiServiceFacts {
  name: string;
  service?: { namespace: string; name: string; port?: number };
  insecureSkipTLSVerify: boolean;
  hasCaBundle: boolean;
  object: string;
}

export interface ClusterNodeFacts {
  name: string;
  roles: string[];
  taints: { key: string; effect: string; value?: string }[];
  addresses: { type: string; address: string }[];
  kubeletVersion?: string;
  object: string;
}

export interface CsrFacts {
  name: string;
  signerName: string;
  username: string;
  groups: string[];
  usages: string[];
  conditions: string[];
  created?: string;
  object: string;
}

export interface BootstrapTokenFacts {
  /** token id (public half); the secret half never enters the model */
  id: string;
  expiration?: string;
  usages: string[];
  extraGroups: string[];
  object: string;
}

/** Facts only an API server can give; absent for a node-root scan. */
export interface ClusterFacts {
  server?: string;
  webhooks: WebhookFacts[];
  apiServices: ApiServiceFacts[];
  nodes: ClusterNodeFacts[];
  csrs: CsrFacts[];
  bootstrapTokens: BootstrapTokenFacts[];
  /** e.g. "EKS": the control plane is managed and its flags are invisible */
  managedBy?: string;
  /** the kubeadm-config ConfigMap's ClusterConfiguration (kubeadm keeps no secrets in it), when present */
  kubeadmClusterConfiguration?: { document: unknown; object: string };
}

/** Kubernetes RBAC objects as read (Role, ClusterRole, RoleBinding, ClusterRoleBinding), untyped here; see src/rbac. */
export type RbacObject = Record<string, unknown> & { kind: string; metadata?: { name?: string; namespace?: string } };

/** What etcd really holds for one resource (kubeward encryption status): counts and etcd key names, never values. */
export interface EtcdResourceContents {
  /** as named in EncryptionConfiguration: "secrets", "widgets.example.com" */
  resource: string;
  etcdPrefix: string;
  total: number;
  /** provider ("identity", "aescbc", "aesgcm", "secretbox", "kms-v1", "kms-v2", "unknown") and key (local key or KMS provider name) */
  formats: { provider: string; key?: string; kmsKeyId?: string; count: number }[];
  /** etcd keys of plaintext values (capped; the count is in formats) */
  plaintextKeys: string[];
}

export interface EtcdContentsFacts {
  endpoints: string[];
  revision?: string;
  resources: EtcdResourceContents[];
}

export interface ControlPlane {
  hosts: Host[];
  /** the cluster version (from --kubernetes-version, images, binaries or /version) */
  version?: Version;
  cluster?: ClusterFacts;
  rbac?: RbacObject[];
  problems: InputProblem[];
  /** reasons the scan saw only part of the cluster (403 on a resource, unreachable kubelet, ...) */
  partial: string[];
  /** ISO time the facts were read; checks judge certificate expiry against it (now when unset) */
  scannedAt?: string;
  /** what etcd really holds for the encrypted resources, when read (kubeward encryption status) */
  etcdContents?: EtcdContentsFacts;
}
