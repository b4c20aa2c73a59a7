/** External etcd and flanneld as host services: config file, env files, systemd units. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Component } from '../../src/model/control-plane.js';
import { fileFor, flag } from '../../src/model/effective.js';
import { readNodeRoot } from '../../src/sources/node-root.js';
import { nodeRoot, type Entry } from './node-root-dir.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function read(files: Record<string, Entry>) {
  const r = await nodeRoot({ 'etc/hostname': 'etcd-1\n', ...files });
  cleanup = r.cleanup;
  const result = await readNodeRoot(r.dir);
  const of = (kind: Component['kind']) => result.host.components.find((c) => c.kind === kind)!;
  return { result, of };
}

describe('external etcd', () => {
  it('--config-file YAML: nested TLS fields, read through flag()', async () => {
    const { result, of } = await read({
      'etc/systemd/system/etcd.service': '[Service]\nExecStart=/usr/local/bin/etcd --config-file=/etc/etcd/etcd.conf.yml\n',
      'etc/etcd/etcd.conf.yml': [
        'name: etcd-1',
        'data-dir: /var/lib/etcd',
        'listen-client-urls: https://10.0.0.5:2379',
        'client-transport-security:',
        '  cert-file: /etc/etcd/pki/server.crt',
        '  client-cert-auth: true',
        'peer-transport-security:',
        '  client-cert-auth: false',
      ].join('\n'),
    });
    const etcd = of('etcd');
    expect(etcd).toMatchObject({ origin: 'systemd', name: 'etcd' });
    expect(etcd.config?.file).toBe('etc/etcd/etcd.conf.yml');
    expect(flag({}, etcd, 'client-cert-auth')).toMatchObject({ value: 'true', explicit: true, at: { file: 'etc/etcd/etcd.conf.yml', line: 6 } });
    expect(flag({}, etcd, 'peer-client-cert-auth')).toMatchObject({ value: 'false', at: { line: 8 } });
    expect(flag({}, etcd, 'listen-client-urls').value).toBe('https://10.0.0.5:2379');
    expect(fileFor(result.host, etcd, flag({}, etcd, 'cert-file'))).toMatchObject({ path: 'etc/etcd/pki/server.crt', exists: false });
    expect(result.problems).toEqual([expect.objectContaining({ practice: 'etcd', component: 'etcd', file: 'etc/etcd/etcd.conf.yml', line: 5 })]);
  });

  it('env file ETCD_* through EnvironmentFile=; flags override env', async () => {
    const { of } = await read({
      'lib/systemd/system/etcd.service': '[Service]\nEnvironmentFile=-/etc/default/%p\nExecStart=/usr/bin/etcd $DAEMON_ARGS --listen-client-urls=https://127.0.0.1:2379\n',
      'etc/default/etcd': 'ETCD_LISTEN_CLIENT_URLS="http://0.0.0.0:2379"\nETCD_CLIENT_CERT_AUTH=0\nDAEMON_ARGS="--name=e1"\n',
    });
    const etcd = of('etcd');
    expect(Object.keys(etcd.env).sort()).toEqual(['ETCD_CLIENT_CERT_AUTH', 'ETCD_LISTEN_CLIENT_URLS']);
    expect(flag({}, etcd, 'listen-client-urls')).toMatchObject({ value: 'https://127.0.0.1:2379', at: { kind: 'unit', line: 3 } });
    expect(flag({}, etcd, 'client-cert-auth')).toMatchObject({ value: 'false', env: 'ETCD_CLIENT_CERT_AUTH', at: { kind: 'env', file: 'etc/default/etcd', line: 2 } });
    expect(flag({}, etcd, 'name')).toMatchObject({ value: 'e1', at: { kind: 'env', file: 'etc/default/etcd', line: 3 } });
  });

  it('no unit: etc/etcd/etcd.conf (RHEL env file) alone defines the etcd', async () => {
    const { of } = await read({ 'etc/etcd/etcd.conf': '#[Member]\nETCD_DATA_DIR="/var/lib/etcd/default.etcd"\nETCD_LISTEN_PEER_URLS="http://localhost:2380"\n' });
    const etcd = of('etcd');
    expect(etcd).toMatchObject({ origin: 'config-file', at: { kind: 'env', file: 'etc/etcd/etcd.conf' } });
    expect(flag({}, etcd, 'listen-peer-urls')).toMatchObject({ value: 'http://localhost:2380', at: { line: 3 } });
  });

  it('no unit: a lone etc/etcd/*.conf.yml is taken as the config file', async () => {
    const { of } = await read({ 'etc/etcd/etcd.conf.yml': 'listen-peer-urls: https://10.0.0.5:2380\n' });
    expect(flag({}, of('etcd'), 'listen-peer-urls')).toMatchObject({ value: 'https://10.0.0.5:2380', at: { file: 'etc/etcd/etcd.conf.yml', line: 1 } });
  });
});

describe('flanneld', () => {
  it('unit flags and FLANNELD_* env, TLS files stat-ed', async () => {
    const { result, of } = await read({
      'etc/systemd/system/flanneld.service': '[Service]\nEnvironmentFile=/run/flannel/options.env\nExecStart=/opt/bin/flanneld --ip-masq --etcd-cafile=/etc/flannel/ca.pem\n',
      'run/flannel/options.env': 'FLANNELD_ETCD_ENDPOINTS=http://10.0.0.5:2379\n',
      'etc/flannel/ca.pem': 'x\n',
    });
    const f = of('flanneld');
    expect(flag({}, f, 'etcd-endpoints')).toMatchObject({ value: 'http://10.0.0.5:2379', env: 'FLANNELD_ETCD_ENDPOINTS' });
    expect(f.flags['ip-masq']!.value).toBe('true');
    expect(result.host.files['etc/flannel/ca.pem']).toMatchObject({ exists: true, error: 'no PEM certificate or key' });
  });
});
