/**
 * kubeward as a library: read a control plane, scan it, render the result. The engines (src/rbac,
 * src/audit, src/pki, ...) are imported from their own modules so that this entry stays light.
 */
export { loadControlPlane, scanControlPlane, checksFor, nothingRead, type ScanInputs, type ScanOptions } from './scan.js';
export { render, renderGraphText, renderGraphJson, RENDER_FORMATS, type RenderFormat, type RenderOptions } from './report/index.js';
export { allChecks } from './checks/index.js';
export { defineCheck, runChecks, toFinding, type Check, type CheckMeta, type Report } from './checks/registry.js';
export { computeGraph } from './model/graph-build.js';
export { linkState } from './model/graph.js';
export { PRACTICES, SEVERITIES, atOrAbove, compareFindings, severityRank } from './model/finding.js';
export { VERSION } from './version.js';
export type * from './model/control-plane.js';
export type * from './model/finding.js';
export type * from './model/graph.js';
export type * from './model/result.js';
