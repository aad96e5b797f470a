// Minimal chat page: text is always rendered with textContent, never as HTML.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sender = localStorage.getItem("changai_sender");
  if (!sender) {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    sender = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    localStorage.setItem("changai_sender", sender);
  }

  function bubble(role, text) {
    var div = document.createElement("div");
    div.className = "msg " + role;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function render(reply) {
    var div = bubble("bot", reply.text || "");
    var custom = reply.custom || {};
    if (custom.source && custom.source.url && /^https:\/\//.test(custom.source.url)) {
      var link = document.createElement("a");
      link.href = custom.source.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = "查看政策原文";
      var line = document.createElement("div");
      line.className = "source";
      line.appendChild(link);
      div.appendChild(line);
    }
    if (reply.buttons && reply.buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      reply.buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", function () { send(b.payload, b.title); });
        row.appendChild(btn);
      });
      div.appendChild(row);
    }
  }

  function send(message, shown) {
    if (shown !== false) bubble("worker", shown || message);
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: message })
    }).then(function (r) { return r.json(); }).then(function (replies) {
      if (replies.error) { bubble("bot", replies.error); return; }
      replies.forEach(render);
    }).catch(function () { bubble("bot", "网络不太好，消息没发出去，请稍后再试。"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    send(text);
  });
  send("/greet", false);
})();
