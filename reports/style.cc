// The pages' inline style sheet and the run report's inline script (no network, no libraries).
#include "reports/page.h"

namespace fl::reports {

const std::string& style_sheet() {
  static const std::string kCss = R"CSS(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;
 background:#f6f7f9}
header{background:#1f2933;color:#fff;padding:14px 24px 10px}
header h1{margin:0 0 6px;font-size:20px;font-weight:600}
header .meta{display:flex;flex-wrap:wrap;gap:6px 22px;font-size:13px;color:#cbd2d9}
header .meta b{color:#fff;font-weight:600}
header code{color:#fff}
nav{margin-top:8px;font-size:13px}nav a{color:#9fd3ff;margin-right:16px;text-decoration:none}
main{padding:6px 24px 48px;max-width:1500px}
h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #d9dee3;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}h4{font-size:14px;margin:0 0 4px}
.verdict{display:inline-block;padding:1px 10px;border-radius:10px;color:#fff;font-weight:700;
 text-transform:uppercase;font-size:12px;letter-spacing:.04em;background:#616e7c}
.verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}
.verdict.unknown{background:#e08600}
.repro{margin:8px 0 2px;font-size:13px}
.repro code{background:#323f4b;padding:3px 8px;border-radius:4px;user-select:all}
table{border-collapse:collapse;font-size:13px;background:#fff}
td,th{border:1px solid #e4e7eb;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f4;font-weight:600}
td.v{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all;max-width:900px}
.cards{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.card{background:#fff;border:1px solid #e4e7eb;border-radius:6px;padding:8px 12px}
.card h3{margin-top:0}
ul.problems li{color:#b71c1c}
.tl{display:inline-flex;max-width:100%;border:1px solid #d9dee3;background:#fff;border-radius:4px}
.tl-labels{flex:none;border-right:1px solid #d9dee3;background:#fbfbfc}
.tl-scroll{overflow-x:auto;flex:1}
svg text{font-family:system-ui,sans-serif}
.lane{fill:#fff}.lane.odd{fill:#f4f6f8}
.lanelabel,.rowlabel{font-size:11px;fill:#3e4c59}.rowlabel{font-style:italic}
.op{stroke:none}.op.ok{fill:#43a047}.op.fail{fill:#e53935}.op.info{fill:#fb8c00}
.op.pending{fill:#9aa5b1}
.op.anom{stroke:#8e24aa;stroke-width:2}
.op.hl,.op.sel,.op:target{stroke:#000;stroke-width:3;fill-opacity:1}
line.open{stroke:#fb8c00;stroke-width:1.2;stroke-dasharray:2 4;opacity:.45}
.band{opacity:.12}.bandrow{opacity:.55}.nlabel{font-size:11px;fill:#111}
.heal line,line.heal{stroke:#2e7d32;stroke-width:1.5;stroke-dasharray:6 3}
.heal text{font-size:10px;fill:#2e7d32}
.axis text{font-size:11px;fill:#52606d;text-anchor:middle}.grid{stroke:#e4e7eb}
.axistitle{font-size:11px;fill:#7b8794}.ylabel{text-anchor:end!important}
.plot{background:#fff;border:1px solid #d9dee3;border-radius:4px;max-width:100%;height:auto}
.pt{fill-opacity:.75}.pt.ok{fill:#43a047}.pt.fail{fill:#e53935}.pt.info{fill:#fb8c00}
.rate{fill:none;stroke-width:1.6}.rate.ok{stroke:#43a047}.rate.fail{stroke:#e53935}
.rate.info{stroke:#fb8c00}
.key.ok{fill:#43a047}.key.fail{fill:#e53935}.key.info{fill:#fb8c00}.legend text{font-size:11px}
.check{background:#fff;border:1px solid #e4e7eb;border-radius:6px;padding:8px 14px;margin:10px 0}
.anomaly{border-left:4px solid #8e24aa;padding:6px 12px;margin:10px 0;background:#fcf7fd}
.anomaly.hl{background:#f3e5f5}
.expl{white-space:pre-wrap;margin:4px 0 8px}
a.oplink{white-space:nowrap;font-family:ui-monospace,monospace;font-weight:600}
a.oplink.broken{color:#c62828}
.missing{color:#b71c1c}
pre.trace{background:#1f2933;color:#e4e7eb;padding:10px;overflow:auto;max-height:480px;
 font-size:12px}
.notes li{color:#52606d}
.legendrow{font-size:12px;color:#52606d;margin:4px 0}
.outcome{font-weight:700}.outcome.ok{color:#2e7d32}.outcome.bad{color:#c62828}
tr.scenario.bad td,tr.unexpected td{background:#fdecea}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code.repro{font-size:12px;user-select:all}
table.jt{font-size:12px;margin:1px 0}table.jt td,table.jt th{padding:2px 6px}
table.jt table.jt{background:#fbfbfc}.card.wide{flex-basis:100%}
.nemesis{border-left:3px solid #e08600;padding:2px 10px;background:#fff}.nemesis h4{margin:2px 0}
span.v{font-family:ui-monospace,Menlo,Consolas,monospace}
.sbar.ok{fill:#43a047}.sbar.fail{fill:#e53935}.sbar.compensated{fill:#1e88e5}
.sbar.unknown{fill:#fb8c00}.sbar.running,.sbar.open,.sbar.other{fill:#9aa5b1}
.smark{fill:#52606d;stroke:#fff;stroke-width:.5}.smark.ok{fill:#1b5e20}.smark.fail{fill:#b71c1c}
.smark.compensated{fill:#0d47a1}.slane.broken .sbar{stroke:#b71c1c;stroke-width:1}
a.lanelink text{fill:#c62828;font-weight:700;text-decoration:underline}
.sw{display:inline-block;width:10px;height:10px;margin:0 3px 0 10px;vertical-align:middle}
table.diff th:first-child{min-width:160px}table.diff td{max-width:620px}
table.diff tr.changed td{background:#fff4d6;font-weight:600}
table.diff tr.failing td{background:#fdecea}tr.kept td{background:#edf7ee}
body.hide-same table.diff tr.same{display:none}
button{font:inherit;font-size:12px;margin-left:10px;padding:1px 8px;cursor:pointer}
.plot.overview .fault{opacity:.8}
)CSS";
  return kCss;
}

const std::string& run_script() {
  static const std::string kJs = R"JS(
(function () {
  var selected = null;
  function select(id) {
    var e = id ? document.getElementById(id) : null;
    if (!e) return;
    if (selected) selected.classList.remove('sel');
    selected = e;
    e.classList.add('sel');
    if (e.scrollIntoView) e.scrollIntoView({block: 'center', inline: 'center'});
  }
  function opsOf(div) { return (div.getAttribute('data-ops') || '').split(' '); }
  function mark(div, on) {
    opsOf(div).forEach(function (id) {
      var e = id ? document.getElementById(id) : null;
      if (e) e.classList.toggle('hl', on);
    });
    div.classList.toggle('hl', on);
  }
  document.querySelectorAll('a.oplink').forEach(function (a) {
    var id = a.getAttribute('href').slice(1);
    a.classList.add(document.getElementById(id) ? 'resolved' : 'broken');
  });
  document.querySelectorAll('.anomaly').forEach(function (d) {
    d.addEventListener('mouseenter', function () { mark(d, true); });
    d.addEventListener('mouseleave', function () { mark(d, false); });
  });
  window.addEventListener('hashchange', function () { select(location.hash.slice(1)); });
  if (location.hash) select(location.hash.slice(1));
  document.body.setAttribute('data-script', 'ready');
})();
)JS";
  return kJs;
}

}  // namespace fl::reports
