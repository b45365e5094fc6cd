/** The inline style and script of the HTML matrix: the page must work offline, from a CI artifact. */

export const CSS = `
:root { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
body { margin: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.meta { color: #57606a; margin: 0 0 1rem; }
.warn { color: #a50e0e; font-weight: 600; }
table.matrix { border-collapse: collapse; }
.matrix th, .matrix td { border: 1px solid #d0d7de; padding: .3rem .5rem; vertical-align: top; text-align: left; }
.matrix thead th { position: sticky; top: 0; background: #f6f8fa; z-index: 1; }
.impl .name { font-weight: 600; }
.impl .sub { color: #57606a; font-weight: normal; font-size: .85em; }
tr.group th { background: #eaeef2; font-size: 1.05em; padding-top: .6rem; }
tr.group .gid { color: #57606a; font-weight: normal; margin-right: .5rem; font-family: ui-monospace, monospace; }
th.rule { font-weight: normal; max-width: 32rem; }
th.rule .id { font-family: ui-monospace, monospace; font-weight: 600; margin-right: .4rem; }
td.cell { min-width: 8rem; font-weight: 600; }
td.cell small { display: block; font-weight: normal; color: inherit; opacity: .85; }
.v-pass { background: #e6f4ea; color: #0d652d; }
.v-fail { background: #fce8e6; color: #a50e0e; }
.v-error { background: #fdebd3; color: #8a4600; }
.v-unexercised { background: #fff5c2; color: #6b5300; }
.v-skipped { background: #eef0f2; color: #4d5560; }
.v-none { background: #fff; color: #8c959f; font-weight: normal; }
button.open { font: inherit; color: inherit; background: none; border: 1px solid currentColor; border-radius: 4px; padding: .1rem .5rem; cursor: pointer; }
button.open::after { content: " \\25B8"; }
button.open[aria-expanded="true"]::after { content: " \\25BE"; }
tr.cx-row > td { background: #fffdf8; }
.cx { max-width: 72rem; }
.cx h3 { margin: .2rem 0 .4rem; font-size: 1.05rem; }
.cx h4 { margin: .8rem 0 .3rem; font-size: .95rem; }
.cx pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: .5rem .7rem; overflow-x: auto; margin: 0; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre; }
.cx ul.mismatches { margin: .2rem 0; padding-left: 1.2rem; }
.cx code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
.cx .label { font-weight: 600; }
table.obs { border-collapse: collapse; }
table.obs th, table.obs td { border: 1px solid #d0d7de; padding: .2rem .5rem; font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
table.obs thead th { background: #f6f8fa; font-family: system-ui, sans-serif; }
table.obs tr.differs td { background: #fce8e6; }
`;

/** Opens and closes a cell's counterexample row; the rows are in the page, only hidden. */
export const SCRIPT = `
document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('button.open');
  if (!button) return;
  var row = document.getElementById(button.getAttribute('aria-controls'));
  var open = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(open));
  row.hidden = !open;
});
`;

/** Without scripts every counterexample is shown, so nothing is unreachable. */
export const NOSCRIPT_CSS = 'tr.cx-row[hidden] { display: table-row; } button.open::after { content: none; }';
