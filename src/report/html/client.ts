/**
 * The report's only script (allowed by its hash in the page's CSP). It reads the JSON block that
 * data.ts embeds and renders on demand: the findings table a page at a time under the filters, and a
 * link's details when its edge is clicked. Values reach the DOM only as textContent (and an https
 * reference as an href), never as markup. The rows it builds match FindingRow in page.tsx, which
 * renders the first page on the server for readers without JavaScript.
 */
export const PAGE_SIZE = 100;

export const CLIENT_SCRIPT = `(function () {
'use strict';
var PAGE = ${PAGE_SIZE};
function el(id) { return document.getElementById(id); }
function node(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}
function add(parent) {
  for (var i = 1; i < arguments.length; i++) {
    var c = arguments[i];
    if (c !== null && c !== undefined && c !== '') parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return parent;
}
var data = JSON.parse(el('report-data').textContent);
function records(fields, rows) {
  return rows.map(function (row) {
    var o = {};
    for (var i = 0; i < fields.length; i++) o[fields[i]] = data.strings[row[i]];
    return o;
  });
}
var findings = records(data.findingFields, data.findings);
var links = records(data.linkFields, data.links);
var SEP = '\\n';

function severity(s) { return node('span', 'sev sev-' + s, s); }
function labelled(label, text, cls) {
  return text ? add(node('p', cls), node('strong', '', label + ': '), text) : null;
}
function references(refs) {
  if (!refs) return null;
  var p = add(node('p'), node('strong', '', 'References: '));
  refs.split(SEP).forEach(function (r, i) {
    if (i > 0) add(p, ', ');
    if (/^https:\\/\\//.test(r)) {
      var a = node('a', '', r);
      a.href = r;
      a.rel = 'noreferrer noopener';
      add(p, a);
    } else add(p, r);
  });
  return p;
}
function row(f) {
  var tr = node('tr', 'finding');
  tr.setAttribute('data-severity', f.severity);
  tr.setAttribute('data-practice', f.practice);
  tr.setAttribute('data-component', f.component);
  tr.setAttribute('data-link', f.link);
  var details = add(node('details'),
    add(node('summary'), node('code', '', f.id), ' ', f.title),
    f.detail ? node('p', '', f.detail) : null,
    labelled('Why', f.why),
    labelled('Fix', f.remediation),
    labelled('CIS', f.cis),
    f.probe ? add(node('p', 'probe'), node('strong', '', 'Probe proof: '), node('code', '', f.probe)) : null,
    references(f.references));
  return add(tr,
    add(node('td'), severity(f.severity)),
    node('td', '', f.practice),
    add(node('td'), details),
    add(node('td'), f.component, node('br'), node('span', 'muted', f.host)),
    node('td', 'ev', f.evidence));
}

var filter = { practice: '', severity: '', component: '', link: '', text: '' };
function haystack(f) {
  if (f.haystack === undefined) {
    f.haystack = [f.severity, f.practice, f.id, f.title, f.component, f.host, f.evidence, f.detail, f.why, f.remediation, f.cis, f.probe, f.references].join(' ').toLowerCase();
  }
  return f.haystack;
}
function matches(f) {
  return (!filter.practice || f.practice === filter.practice) &&
    (!filter.severity || f.severity === filter.severity) &&
    (!filter.component || f.component === filter.component) &&
    (!filter.link || f.link === filter.link) &&
    (!filter.text || haystack(f).indexOf(filter.text) >= 0);
}

var tbody = el('findings-rows');
var shown = [];
var listed = 0;
function more() {
  var end = Math.min(shown.length, listed + PAGE);
  var batch = document.createDocumentFragment();
  for (; listed < end; listed++) batch.appendChild(row(shown[listed]));
  tbody.appendChild(batch);
  counted();
}
function counted() {
  el('listed').textContent = String(listed);
  var left = shown.length - listed;
  el('more').hidden = left === 0;
  el('more').textContent = 'show ' + Math.min(PAGE, left) + ' more (' + left + ' not listed)';
}
function apply() {
  shown = findings.filter(matches);
  listed = 0;
  tbody.textContent = '';
  el('shown').textContent = String(shown.length);
  el('link-filter').hidden = !filter.link;
  more();
}

var detail = el('link-detail');
function linkDetail(i) {
  var l = links[Number(i)];
  var on = findings.filter(function (f) { return f.link === i; });
  detail.textContent = '';
  detail.setAttribute('data-link-index', i);
  detail.style.borderLeftColor = l.color;
  var list = node('ul', 'link-findings');
  on.forEach(function (f) {
    add(list, add(node('li'), severity(f.severity), ' ', node('code', '', f.id), ' ', f.title, ' ', node('span', 'muted', '(' + f.host + ')')));
  });
  var evidence = node('ul');
  if (l.evidence) l.evidence.split(SEP).forEach(function (e) { add(evidence, node('li', 'ev', e)); });
  add(detail,
    add(node('h3'), l.source + ' \\u2192 ' + l.target),
    add(node('p'), node('strong', '', l.stateLabel), ' ', node('span', 'muted', '(' + l.kind + ')'), l.endpoint ? ' ' : '', l.endpoint ? node('code', '', l.endpoint) : null),
    add(node('ul'),
      node('li', '', 'encryption: ' + l.encryption),
      node('li', '', 'server verification: ' + l.serverVerification),
      node('li', '', 'client authentication: ' + l.clientAuthentication)),
    l.evidence ? node('strong', '', 'Derived from') : null,
    l.evidence ? evidence : null,
    node('strong', 'link-findings-title', on.length + ' finding' + (on.length === 1 ? '' : 's') + ' on this link'),
    list);
}
var selected = null;
function select(i) {
  if (selected) selected.classList.remove('selected');
  selected = i ? document.querySelector('.edge[data-link-index="' + i + '"]') : null;
  if (selected) selected.classList.add('selected');
  detail.hidden = !i;
  el('link-none').hidden = !!i;
  if (i) linkDetail(i);
  filter.link = i;
  apply();
}
var edges = document.querySelector('.graph .links');
function edgeOf(e) { var g = e.target.closest && e.target.closest('.edge'); return g ? g.getAttribute('data-link-index') : null; }
edges.addEventListener('click', function (e) { var i = edgeOf(e); if (i !== null) select(i); });
edges.addEventListener('keydown', function (e) {
  var i = edgeOf(e);
  if (i !== null && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); select(i); }
});
el('clear-link').addEventListener('click', function () { select(''); });

['practice', 'severity', 'component'].forEach(function (k) {
  var s = el('filter-' + k);
  filter[k] = s.value;
  s.addEventListener('change', function () { filter[k] = s.value; apply(); });
});
var search = el('filter-text');
filter.text = search.value.toLowerCase();
search.addEventListener('input', function () { filter.text = search.value.toLowerCase(); apply(); });
el('more').addEventListener('click', more);
var noScript = el('no-script');
if (noScript) noScript.hidden = true;
if (filter.practice || filter.severity || filter.component || filter.text) apply();
else {
  // unfiltered, the server's rows are the first page already: keep them, list the rest after them
  shown = findings;
  listed = tbody.rows.length;
  counted();
}
})();`;
