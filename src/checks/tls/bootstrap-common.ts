/** Shared by the TLS-bootstrapping checks (bootstrap-*.ts): the scan time and evidence for API objects. */
import type { BootstrapTokenFacts, ControlPlane } from '../../model/control-plane.js';
import { emptyEvidence, type Evidence } from '../../model/finding.js';

/** The time facts were read (ms); expiry is judged against it, or against now when the source did not record it. */
export function scanTime(cp: ControlPlane): number {
  return cp.scannedAt ? Date.parse(cp.scannedAt) : Date.now();
}

export function tokenEvidence(t: BootstrapTokenFacts, value: string | null, field: string | null): Evidence {
  return { ...emptyEvidence('api'), object: t.object, value, field };
}
