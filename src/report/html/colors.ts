/** One colour per link state, shared by the HTML report, the SVG and the DOT/Mermaid outputs. */
import type { LinkState } from '../../model/graph.js';

export const LINK_STATES: readonly LinkState[] = ['mtls', 'tls', 'tls-unverified', 'plaintext', 'unknown'];

export const STATE_COLOR: Record<LinkState, string> = {
  mtls: '#1a7f37',
  tls: '#0969da',
  'tls-unverified': '#bf8700',
  plaintext: '#cf222e',
  unknown: '#8c959f',
};

export const STATE_LABEL: Record<LinkState, string> = {
  mtls: 'mutual TLS, verified',
  tls: 'TLS, server verified, no client certificate',
  'tls-unverified': 'TLS without server verification',
  plaintext: 'plaintext',
  unknown: 'unknown',
};
