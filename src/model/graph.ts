/**
 * The control-plane communication graph ("TLS everywhere" drawn for this cluster): components as
 * nodes, every connection between them as a link with the state derived from configuration.
 * Types here; computeGraph (graph-build.ts) derives it from the model. TLS checks read it.
 */
import type { Evidence } from './finding.js';

export type GraphNodeKind =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'etcd'
  | 'kubelet'
  | 'cni'
  | 'webhook'
  | 'aggregated-api';

export interface GraphNode {
  /** stable: "<kind>@<host>" or "webhook:<name>" */
  id: string;
  kind: GraphNodeKind;
  host: string;
  label: string;
}

export type LinkKind =
  | 'apiserver-etcd'
  | 'apiserver-kubelet'
  | 'kubelet-apiserver'
  | 'controller-manager-apiserver'
  | 'scheduler-apiserver'
  | 'etcd-peer'
  | 'cni-etcd'
  | 'apiserver-webhook'
  | 'apiserver-aggregated';

/** The colour of a link: mutual TLS verified both ways, TLS with a verified server only, TLS without server verification, plaintext, or not known. */
export type LinkState = 'mtls' | 'tls' | 'tls-unverified' | 'plaintext' | 'unknown';

export interface GraphLink {
  /** stable: "<kind>:<source>-><target>" */
  id: string;
  kind: LinkKind;
  source: string;
  target: string;
  /** the URL or endpoint dialled, when configured */
  endpoint?: string;
  encryption: 'tls' | 'plaintext' | 'unknown';
  /** does the client verify the server's certificate, and against which CA (file or fingerprint) */
  serverVerification: { state: 'verified' | 'unverified' | 'unknown'; ca?: string };
  /** does the server authenticate the client, and how */
  clientAuthentication: { state: 'certificate' | 'token' | 'none' | 'unknown'; ca?: string };
  state: LinkState;
  /** the settings the state was derived from */
  evidence: Evidence[];
}

export interface Graph {
  nodes: GraphNode[];
  links: GraphLink[];
}

/** The one rule that turns a link's three facts into its colour. */
export function linkState(l: Pick<GraphLink, 'encryption' | 'serverVerification' | 'clientAuthentication'>): LinkState {
  if (l.encryption === 'plaintext') return 'plaintext';
  if (l.encryption === 'unknown') return 'unknown';
  if (l.serverVerification.state === 'unverified') return 'tls-unverified';
  if (l.serverVerification.state === 'unknown') return 'unknown';
  return l.clientAuthentication.state === 'certificate' ? 'mtls' : 'tls';
}
