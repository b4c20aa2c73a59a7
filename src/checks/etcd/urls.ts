/** etcd URL lists (--listen-client-urls and friends): which hosts they bind. */
import { splitList } from '../../model/effective.js';

export interface BoundUrl {
  url: string;
  /** hostname without brackets; "" when the URL could not be parsed */
  host: string;
}

export function boundUrls(value: string | undefined): BoundUrl[] {
  return splitList(value ?? '').map((url) => {
    try {
      return { url, host: new URL(url).hostname.replace(/^\[|\]$/g, '') };
    } catch {
      return { url, host: '' };
    }
  });
}

/** All interfaces: etcd (Go net.Listen) binds every address for these. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

