/**
 * Static pod manifests (the kubelet's staticPodPath, kubeadm's etc/kubernetes/manifests): one
 * component per control-plane container, its flags from `command` + `args` with the line of each
 * item, its hostPath mounts (so container paths resolve to node paths) and the image tag.
 * The kubelet reads every file in the directory, YAML or JSON (pkg/kubelet/config/file.go).
 */
import type { Component, ComponentKind, Location, PathMapping } from '../model/control-plane.js';
import { parseVersion } from '../model/version.js';
import { parseFlags, type Arg } from './flags.js';
import { addProblem, listDir, readText, type NodeContext } from './node-fs.js';
import { splitWords } from './systemd.js';
import { asString, isRecord, parseDocuments, type ParsedDocument } from './yaml-doc.js';

const KINDS: readonly ComponentKind[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet', 'flanneld'];

/** hyperkube's sub-commands */
const HYPERKUBE: Record<string, ComponentKind> = { apiserver: 'kube-apiserver', 'controller-manager': 'kube-controller-manager', scheduler: 'kube-scheduler', kubelet: 'kubelet' };

/** Which component an executable is ("/usr/local/bin/kube-apiserver", "etcd"). */
export function kindOfProgram(program: string): ComponentKind | undefined {
  const base = program.slice(program.lastIndexOf('/') + 1);
  return KINDS.find((k) => base === k);
}

/** The component and its own arguments from a full argv, also through hyperkube and `sh -c`. */
export function componentArgs(argv: readonly Arg[]): { kind: ComponentKind; args: Arg[] } | undefined {
  const [first, second] = argv;
  if (!first) return undefined;
  const kind = kindOfProgram(first.text);
  if (kind) return { kind, args: argv.slice(1) };
  const base = first.text.slice(first.text.lastIndexOf('/') + 1);
  if (base === 'hyperkube' && second) {
    const sub = HYPERKUBE[second.text] ?? kindOfProgram(second.text);
    return sub ? { kind: sub, args: argv.slice(2) } : undefined;
  }
  if (/^(sh|bash|ash|dash)$/.test(base) && second?.text === '-c' && argv[2]) {
    // older manifests run the component through a shell: split the script as the shell would (simplified)
    const script = argv[2];
    const words = splitWords(script.text.replace(/\s*(&&|;|\|\||>|2>&1|1>>|>>).*$/s, ''));
    return componentArgs(words.map((w) => ({ text: w.text, at: script.at })));
  }
  return undefined;
}

function kindOfImage(image: string | undefined): ComponentKind | undefined {
  if (!image) return undefined;
  const name = image.replace(/[@:][^/]*$/, '');
  return kindOfProgram(name);
}

/** Kubernetes expands $(VAR) in command and args from the container's literal env values ($$ escapes). */
function expandK8sVars(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : name !== undefined && name in env ? env[name]! : m));
}

function args(doc: ParsedDocument, path: string, list: unknown, file: string, env: Record<string, string>): Arg[] {
  if (!Array.isArray(list)) return [];
  return list.map((item: unknown, i) => {
    const at: Location = { kind: 'file', file, line: doc.lines[`${path}.${i}`] ?? doc.lines[path] ?? 1 };
    return { text: expandK8sVars(asString(item) ?? '', env), at };
  });
}

/** Components defined by one manifest file (a Pod, or a List of Pods). */
export function componentsOfManifest(doc: ParsedDocument, file: string, host: string, origin: Component['origin'] = 'static-pod'): Component[] {
  const out: Component[] = [];
  const pod = isRecord(doc.value) ? doc.value : {};
  if (pod.kind !== undefined && pod.kind !== 'Pod') return out;
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const meta = isRecord(pod.metadata) ? pod.metadata : {};
  const podName = asString(meta.name) ?? file.slice(file.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  const volumes = new Map<string, string>();
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (isRecord(v) && isRecord(v.hostPath) && typeof v.name === 'string' && typeof v.hostPath.path === 'string') volumes.set(v.name, v.hostPath.path);
  }
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  containers.forEach((c: unknown, i: number) => {
    if (!isRecord(c)) return;
    const base = `spec.containers.${i}`;
    const env: Record<string, string> = {};
    for (const e of Array.isArray(c.env) ? c.env : []) if (isRecord(e) && typeof e.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
    const command = args(doc, `${base}.command`, c.command, file, env);
    const rest = args(doc, `${base}.args`, c.args, file, env);
    const image = asString(c.image);
    let found = componentArgs([...command, ...rest]);
    if (!found) {
      // no command: the image's entrypoint is the component; `args` are its flags
      const kind = kindOfImage(image);
      if (!kind) return;
      found = { kind, args: command.length > 0 ? [...command.slice(1), ...rest] : rest };
    }
    const mounts: PathMapping[] = [];
    for (const m of Array.isArray(c.volumeMounts) ? c.volumeMounts : []) {
      if (!isRecord(m) || typeof m.name !== 'string' || typeof m.mountPath !== 'string') continue;
      const hostPath = volumes.get(m.name);
      if (hostPath !== undefined) mounts.push({ containerPath: m.mountPath, hostPath, readOnly: m.readOnly === true });
    }
    const component: Component = {
      kind: found.kind,
      host,
      name: containers.length > 1 ? `${podName}-${host}/${asString(c.name) ?? i}` : `${podName}-${host}`,
      origin,
      at: { kind: 'file', file, line: doc.lines[base] ?? 1 },
      flags: parseFlags(found.args, found.kind).flags,
      env: {},
      mounts,
    };
    for (const [name, value] of Object.entries(env)) {
      const at: Location = { kind: 'file', file, line: doc.lines[`${base}.env`] ?? 1 };
      component.env[name] = { name, value, at, occurrences: [{ value, at }] };
    }
    if (image) {
      component.image = image;
      const version = parseVersion(image, 'image');
      if (version) component.version = version;
    }
    out.push(component);
  });
  return out;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** Every component in a manifest directory; unparsable manifests become problems. */
export function readManifestDir(ctx: NodeContext, dir: string): Component[] {
  const out: Component[] = [];
  for (const name of listDir(ctx, dir, { practice: 'tls' }) ?? []) {
    if (!MANIFEST_FILE.test(name)) continue;
    const file = `${dir}/${name}`;
    const about = { practice: name.includes('etcd') ? ('etcd' as const) : ('tls' as const), component: name.replace(MANIFEST_FILE, '') };
    const text = readText(ctx, file, about);
    if (text === undefined) continue;
    const parsed = parseDocuments(text);
    if (!parsed.ok) {
      const { line, col, message } = parsed.error;
      addProblem(ctx, about, `${file}:${line ?? 1}:${col ?? 1}: ${message}`, file, line);
      continue;
    }
    for (const doc of parsed.docs) {
      try {
        out.push(...componentsOfManifest(doc, file, ctx.host));
      } catch (e) {
        addProblem(ctx, about, `${file}: not a pod manifest the kubelet could run: ${(e as Error).message}`, file);
      }
    }
  }
  return out;
}
