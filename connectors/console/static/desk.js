// Staff desk queue: refreshes every second, filters by topic and region, claims atomically.
// Topic and reason labels come with each ticket from the API (changai/vocabulary.py).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var body = document.getElementById("queue");
  var notice = document.getElementById("notice");
  var updated = document.getElementById("updated");
  var topic = document.getElementById("filter-topic");
  var region = document.getElementById("filter-region");

  function cell(text) { var td = document.createElement("td"); td.textContent = text == null ? "" : String(text); return td; }
  function waited(iso) {
    var minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
    return minutes < 60 ? minutes + " 分钟" : Math.floor(minutes / 60) + " 小时 " + (minutes % 60) + " 分";
  }
  function claim(ticket, button) {
    button.disabled = true;
    fetch("/desk/api/tickets/" + ticket.id + "/claim", { method: "POST", headers: { "X-CSRF-Token": csrf } })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (res) {
        if (res.status === 200) { location.href = "/desk/tickets/" + ticket.id; return; }
        notice.textContent = "工单 #" + ticket.id + " " + (res.body.error || "接手失败");
        refresh();
      })
      .catch(function () { notice.textContent = "网络错误，请重试"; button.disabled = false; });
  }
  function render(tickets) {
    body.textContent = "";
    tickets.forEach(function (t) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-ticket", t.id);
      tr.appendChild(cell(waited(t.created_at)));
      tr.appendChild(cell(t.question));
      tr.appendChild(cell((t.topic_label || "未分类") + " / " + (t.region || "未知地区")));
      tr.appendChild(cell(t.reason_label || t.reason));
      tr.appendChild(cell(t.status === "waiting" ? t.status_label : "已由" + (t.claimed_by || "同事") + "接手"));
      var action = document.createElement("td");
      var button = document.createElement("button");
      button.type = "button";
      if (t.status === "waiting") {
        button.textContent = "接手";
        button.addEventListener("click", function () { claim(t, button); });
      } else {
        button.textContent = "查看";
        button.className = "secondary";
        button.addEventListener("click", function () { location.href = "/desk/tickets/" + t.id; });
      }
      action.appendChild(button);
      tr.appendChild(action);
      body.appendChild(tr);
    });
    updated.textContent = "已更新 " + new Date().toLocaleTimeString("zh-CN");
  }
  function refresh() {
    var query = "?topic=" + encodeURIComponent(topic.value) + "&region=" + encodeURIComponent(region.value);
    fetch("/desk/api/queue" + query, { headers: { Accept: "application/json" } })
      .then(function (r) { if (r.status === 401) { location.href = "/login?next=/desk"; } return r.json(); })
      .then(function (b) { render(b.tickets || []); })
      .catch(function () { updated.textContent = "网络中断，正在重试…"; });
  }
  topic.addEventListener("change", refresh);
  region.addEventListener("change", refresh);
  refresh();
  setInterval(refresh, 1000);
})();
