// One ticket: case card and transcript (rendered as text), refreshed every second.
(function () {
  "use strict";
  var root = document.getElementById("ticket");
  var id = root.getAttribute("data-ticket");
  var card = document.getElementById("case-card");
  var transcript = document.getElementById("transcript");
  var NAMES = { worker: "职工", bot: "小助手", staff: "工作人员", system: "系统" };

  function line(label, value) {
    var p = document.createElement("p");
    var b = document.createElement("strong");
    b.textContent = label + "：";
    p.appendChild(b);
    p.appendChild(document.createTextNode(value == null || value === "" ? "—" : String(value)));
    return p;
  }
  function render(t) {
    card.textContent = "";
    card.appendChild(line("问题", t.question));
    card.appendChild(line("话题 / 地区", (t.topic || "未分类") + " / " + (t.region || "未知")));
    var entities = t.case_card.entities || {};
    card.appendChild(line("识别到的信息", Object.keys(entities).map(function (k) { return k + "=" + entities[k].join("、"); }).join("；")));
    card.appendChild(line("小助手的猜测", (t.case_card.best_guesses || []).map(function (g) {
      return (g.question || g.topic) + "（" + g.score + "）";
    }).join("；")));
    card.appendChild(line("状态", t.status));
    transcript.textContent = "";
    var lines = (t.messages && t.messages.length) ? t.messages.map(function (m) {
      return { who: NAMES[m.sender] || m.sender, text: m.text };
    }) : (t.case_card.transcript || []).map(function (m) {
      return { who: m.role === "worker" ? "职工" : "小助手", text: m.text };
    });
    lines.forEach(function (m) {
      var p = document.createElement("p");
      p.className = "message";
      p.textContent = m.who + "：" + (m.text || "");
      transcript.appendChild(p);
    });
  }
  function refresh() {
    fetch("/desk/api/tickets/" + id, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(render)
      .catch(function () {});
  }
  refresh();
  setInterval(refresh, 1000);
})();
