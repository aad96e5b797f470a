// One ticket: case card, live transcript, and the holder's controls. Everything renders as text.
// Status, topic and log labels come from the API (changai/vocabulary.py).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var root = document.getElementById("ticket");
  var id = root.getAttribute("data-ticket");
  var card = document.getElementById("case-card");
  var transcript = document.getElementById("transcript");
  var controls = document.getElementById("controls");
  var draft = document.getElementById("draft");
  var logBox = document.getElementById("log");
  var status = document.getElementById("status");
  var NAMES = { worker: "职工", bot: "小助手", staff: "工作人员", system: "系统" };
  var claimBox = document.getElementById("claim-box");
  var contactBox = document.getElementById("contact");
  var contactNumber = document.getElementById("contact-number");
  var revealed = "";
  var lastStaffReply = "";
  var shown = 0;

  function line(label, value) {
    var p = document.createElement("p");
    var b = document.createElement("strong");
    b.textContent = label + "：";
    p.appendChild(b);
    p.appendChild(document.createTextNode(value == null || value === "" ? "—" : String(value)));
    return p;
  }
  function post(path, body) {
    status.textContent = "";
    return fetch("/desk/api/tickets/" + id + "/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.text().then(function (t) {
        var data = {}; try { data = JSON.parse(t); } catch (e) { data = { error: t }; }
        if (!r.ok) throw new Error(data.error || "操作失败");
        return data;
      });
    }).catch(function (e) { status.textContent = e.message; throw e; });
  }
  function render(t) {
    card.textContent = "";
    card.appendChild(line("问题", t.question));
    card.appendChild(line("话题 / 地区", (t.topic_label || "未分类") + " / " + (t.region || "未知")));
    var entities = t.case_card.entities || {};
    card.appendChild(line("识别到的信息", Object.keys(entities).map(function (k) { return k + "=" + entities[k].join("、"); }).join("；")));
    card.appendChild(line("小助手的猜测", (t.case_card.best_guesses || []).map(function (g) {
      return (g.question || g.topic) + "（" + g.score + "）";
    }).join("；")));
    card.appendChild(line("状态", (t.status_label || t.status) + (t.rating ? "，评分 " + t.rating : "")));
    var messages = t.messages && t.messages.length ? t.messages : (t.case_card.transcript || []).map(function (m) {
      return { sender: m.role === "worker" ? "worker" : "bot", text: m.text };
    });
    if (messages.length !== shown) {
      transcript.textContent = "";
      messages.forEach(function (m) {
        if (!m.text) return;
        var p = document.createElement("p");
        p.className = "message message-" + m.sender;
        var who = m.sender === "staff" && m.custom && m.custom.staff_name ? m.custom.staff_name : NAMES[m.sender] || m.sender;
        p.textContent = who + "：" + m.text;
        transcript.appendChild(p);
        if (m.sender === "staff" && m.custom && m.custom.type === "staff") lastStaffReply = m.text;
      });
      shown = messages.length;
    }
    contactBox.hidden = !t.contact;
    contactNumber.textContent = revealed || t.contact || "";
    if (t.log && t.log.length !== logBox.childNodes.length) {
      logBox.textContent = "";
      t.log.forEach(function (e) {
        var when = new Date(e.time).toLocaleString("zh-CN", { hour12: false });
        logBox.appendChild(line(when + " " + e.author + " · " + (e.kind_label || e.kind), e.text));
      });
    }
    claimBox.hidden = t.status !== "waiting";
    controls.hidden = !t.mine;
    draft.hidden = t.status !== "closed";
    if (!draft.hidden && !document.getElementById("draft-answer").value) {
      document.getElementById("draft-answer").value = lastStaffReply;
      if (t.topic) document.getElementById("draft-topic").value = t.topic;
    }
  }
  var loading = false;
  function refresh() {
    if (loading) return;  // never pile requests up behind a slow one
    loading = true;
    fetch("/desk/api/tickets/" + id, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); }).then(render).catch(function () {})
      .then(function () { loading = false; });
  }
  document.getElementById("claim").addEventListener("click", function () {
    post("claim").then(refresh, refresh);  // a lost race shows who took it, then the page updates
  });
  document.getElementById("reveal-contact").addEventListener("click", function () {
    post("reveal-contact").then(function (d) { revealed = d.phone; contactNumber.textContent = d.phone; refresh(); });
  });
  document.getElementById("send-reply").addEventListener("click", function () {
    var box = document.getElementById("reply");
    if (!box.value.trim()) return;
    post("reply", { text: box.value }).then(function () { box.value = ""; refresh(); });
  });
  document.getElementById("add-note").addEventListener("click", function () {
    var box = document.getElementById("note");
    if (!box.value.trim()) return;
    post("note", { text: box.value }).then(function () { box.value = ""; refresh(); });
  });
  document.getElementById("transfer").addEventListener("click", function () {
    post("transfer", { to: document.getElementById("transfer-to").value }).then(refresh);
  });
  document.getElementById("close").addEventListener("click", function () {
    post("close", { outcome: document.getElementById("outcome").value }).then(refresh);
  });
  document.getElementById("save-draft").addEventListener("click", function () {
    post("faq-draft", { answer: document.getElementById("draft-answer").value, topic: document.getElementById("draft-topic").value })
      .then(function (d) { status.textContent = "已存为FAQ草稿 #" + d.faq_id + "，等待管理员审核。"; });
  });
  fetch("/desk/api/canned", { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(function (b) {
    var select = document.getElementById("canned");
    (b.replies || []).forEach(function (c) {
      var option = document.createElement("option");
      option.value = c.text; option.textContent = c.title;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { if (select.value) document.getElementById("reply").value = select.value; });
  });
  refresh();
  // Worker messages must show within a second (bench/desk_delay.py): poll twice a second.
  setInterval(refresh, 500);
})();
