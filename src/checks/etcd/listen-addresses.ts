import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf } from '../../model/effective.js';
import { boundUrls, isWildcard } from './urls.js';

const LISTEN_FLAGS = ['listen-client-urls', 'listen-peer-urls'] as const;

export default defineCheck({
  id: 'etcd/listen-addresses',
  practice: 'etcd',
  severity: 'medium',
  cis: [],
  title: 'etcd listens on every interface',
  why: 'Bound to 0.0.0.0 or [::], etcd\'s client and peer ports are reachable on every network the host is on, including pod, node and public networks; firewalling then has to make up for it everywhere. Binding the loopback address plus the one internal address that API servers and peers use keeps the port off the other networks.',
  remediation: 'List explicit addresses: --listen-client-urls=https://127.0.0.1:2379,https://<internal-ip>:2379 and --listen-peer-urls=https://<internal-ip>:2380; firewall 2379 to the API servers and 2380 to the peers (`kubeward etcd firewall`).',
  references: ['https://etcd.io/docs/v3.6/op-guide/configuration/', 'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/'],
  reads: 'etcd --listen-client-urls, --listen-peer-urls (flags, ETCD_* env or config file)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      for (const name of LISTEN_FLAGS) {
        const e = flag(cp, c, name);
        const wild = boundUrls(e.value).filter((u) => isWildcard(u.host));
        if (wild.length) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: `--${name}: ${wild.map((u) => u.url).join(', ')} binds every interface` });
      }
    }
  },
});
