import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { evidenceLine, printable, renderGraphText } from '../../src/report/text.js';
import { emptyEvidence } from '../../src/model/finding.js';
import { fixedResult } from './fixed-result.js';

describe('text report', () => {
  it('matches the golden file', async () => {
    await expect(render(fixedResult(), 'text')).toMatchFileSnapshot('./golden/scan.txt');
  });

  it('groups findings by practice, in practice order', () => {
    const out = render(fixedResult(), 'text');
    const tls = out.indexOf('TLS everywhere:');
    const authn = out.indexOf('Authentication');
    const etcd = out.indexOf('etcd isolation:');
    expect(tls).toBeGreaterThan(-1);
    expect(tls).toBeLessThan(authn);
    expect(authn).toBeLessThan(etcd);
  });

  it('colours only when asked (the CLI asks only on a terminal)', () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(render(fixedResult(), 'text')).not.toMatch(ansi);
    expect(render(fixedResult(), 'text', { color: true })).toMatch(ansi);
  });

  it('writes the evidence line: file and line, flag and value, or the default that applied', () => {
    expect(evidenceLine({ ...emptyEvidence('file'), file: 'etc/kubernetes/manifests/kube-apiserver.yaml', line: 17, flag: '--anonymous-auth', value: 'true' })).toBe(
      'etc/kubernetes/manifests/kube-apiserver.yaml:17 --anonymous-auth=true',
    );
    expect(evidenceLine({ ...emptyEvidence('default'), file: 'etc/kubernetes/manifests/kube-apiserver.yaml', flag: '--kubelet-certificate-authority' })).toBe(
      'etc/kubernetes/manifests/kube-apiserver.yaml --kubelet-certificate-authority (unset; no default)',
    );
    expect(evidenceLine({ ...emptyEvidence('default'), file: 'etc/kubernetes/manifests/kube-scheduler.yaml', flag: '--bind-address', value: '0.0.0.0' })).toBe(
      'etc/kubernetes/manifests/kube-scheduler.yaml --bind-address (unset; default 0.0.0.0)',
    );
    expect(evidenceLine({ ...emptyEvidence('file'), file: 'var/lib/kubelet/config.yaml', line: 4, flag: '--anonymous-auth', field: 'authentication.anonymous.enabled', value: 'true' })).toBe(
      'var/lib/kubelet/config.yaml:4 --anonymous-auth / authentication.anonymous.enabled=true',
    );
    expect(evidenceLine(emptyEvidence('api'))).toBe('(api)');
  });

  it('never lets a control character from a config value reach the terminal', () => {
    const out = render(fixedResult(), 'text');
    expect(out).not.toContain('\u0007');
    expect(out).toContain('client-cert-auth is "false" \\x07');
    expect(printable('a\u001b[2Jb\tc\nd')).toBe('a\\x1b[2Jb\tc\nd');
  });

  it('prints the graph as links with their state, fingerprints shortened', () => {
    const out = renderGraphText(fixedResult().graph);
    expect(out).toContain('tls-unverified  kube-apiserver@cp-1 → kubelet@cp-1');
    expect(out).toContain('sha256:22ab7109e7d4…');
    expect(renderGraphText({ nodes: [], links: [] })).toContain('no links known');
  });
});
