/* 产改通 worker chat widget. No dependencies, no build step.
 * Text is only ever rendered with textContent; links are shown only for https addresses.
 * Embed anywhere with: <script src="https://<console>/static/widget.js"></script>
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script ? new URL(script.src, location.href).origin : location.origin;
  var host = document.getElementById("changai-chat");
  var embedded = !host;
  var API = (host && host.getAttribute("data-api")) || origin + "/api/widget";
  var KEY = "changai." + API + ".";
  var BOT_NAME = "产改通小助手";
  var GAP_MS = 5 * 60 * 1000;
  var TYPING_TIMEOUT_MS = 30000;

  function store(name, value) {
    try {
      if (value === undefined) return localStorage.getItem(KEY + name);
      if (value === null) localStorage.removeItem(KEY + name);
      else localStorage.setItem(KEY + name, value);
    } catch (e) { return null; }
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function randomId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  // a web page's address (official government and union sites are often http only)
  function webUrl(value) {
    try { var url = new URL(value); return url.protocol === "https:" || url.protocol === "http:" ? url.href : null; } catch (e) { return null; }
  }

  // ---- styles and skeleton ------------------------------------------------
  if (!document.querySelector("link[data-changai]")) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = origin + "/static/widget.css";
    css.setAttribute("data-changai", "1");
    document.head.appendChild(css);
  }
  var launcher = null;
  if (embedded) {
    host = el("div");
    host.id = "changai-chat";
    document.body.appendChild(host);
    launcher = el("button", "cg-launcher", "政策咨询");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "打开产改通政策咨询");
    document.body.appendChild(launcher);
  }
  var root = el("div", "cg-root" + (embedded ? " cg-embedded" : ""));
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", "产改通政策咨询");
  var header = el("header", "cg-header", BOT_NAME);
  var sizeButton = el("button", "cg-size", "大字");
  sizeButton.type = "button";
  sizeButton.setAttribute("aria-pressed", "false");
  sizeButton.setAttribute("aria-label", "切换大字显示");
  header.appendChild(sizeButton);
  if (embedded) {
    var close = el("button", "cg-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "关闭对话");
    header.appendChild(close);
    root.hidden = true;
    var toggle = function (open) {
      root.hidden = !open;
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { input.focus(); scrollDown(); }
    };
    launcher.addEventListener("click", function () { toggle(root.hidden); });
    close.addEventListener("click", function () { toggle(false); launcher.focus(); });
  }
  var queueBanner = el("div", "cg-banner");
  queueBanner.hidden = true;
  queueBanner.setAttribute("role", "status");
  var netBanner = el("div", "cg-banner cg-offline", "网络连接中断，正在重新连接…");
  netBanner.hidden = true;
  netBanner.setAttribute("role", "alert");
  var log = el("div", "cg-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "对话记录");
  var form = el("form", "cg-composer");
  var label = el("label", "cg-sr", "输入您的问题");
  label.htmlFor = "cg-input";
  var input = el("textarea", "cg-input");
  input.id = "cg-input";
  input.rows = 1;
  input.setAttribute("enterkeyhint", "send");
  input.placeholder = "输入您想问的政策问题";
  var send = el("button", "cg-send", "发送");
  send.type = "submit";
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  root.appendChild(header); root.appendChild(queueBanner); root.appendChild(netBanner);
  root.appendChild(log); root.appendChild(form);
  host.appendChild(root);

  function setLarge(on) {
    root.classList.toggle("cg-large", on);
    sizeButton.setAttribute("aria-pressed", on ? "true" : "false");
    store("large", on ? "1" : "0");
  }
  setLarge(store("large") === "1");
  sizeButton.addEventListener("click", function () { setLarge(!root.classList.contains("cg-large")); });

  // ---- rendering --------------------------------------------------------------
  var seen = {};          // message id -> true
  var pending = {};       // client_id -> {row, state}
  var lastTime = 0;
  var typingRow = null;
  var typingTimer = null;

  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function timeLabel(date) {
    var now = new Date();
    var hm = ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
    if (date.toDateString() === now.toDateString()) return hm;
    return (date.getMonth() + 1) + "月" + date.getDate() + "日 " + hm;
  }
  function maybeTime(date) {
    if (!lastTime || date.getTime() - lastTime > GAP_MS) log.insertBefore(el("div", "cg-time", timeLabel(date)), typingRow);
    lastTime = date.getTime();
  }
  function statusLine(text) {
    var line = el("div", "cg-status");
    line.appendChild(el("span", null, text));
    log.insertBefore(line, typingRow);
  }
  function row(kind, name, avatarText) {
    var r = el("div", "cg-row" + (kind === "worker" ? " cg-mine" : ""));
    var avatar = el("div", "cg-avatar" + (kind === "staff" ? " cg-staff" : kind === "worker" ? " cg-me" : ""), avatarText);
    avatar.setAttribute("aria-hidden", "true");
    var body = el("div", "cg-body");
    if (kind !== "worker") body.appendChild(el("div", "cg-name", name));
    var bubble = el("div", "cg-bubble");
    body.appendChild(bubble);
    r.appendChild(avatar); r.appendChild(body);
    return { row: r, body: body, bubble: bubble };
  }
  function splitSource(text, custom) {
    var at = custom && custom.source ? text.lastIndexOf("\n\n来源：") : -1;
    return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 2)];
  }
  // A title in 《》; one that quotes another document keeps the inner title in 〈〉
  // (knowledge/book_titles.py does the same for the reply text).
  function bookTitle(title) {
    var t = String(title || "").trim();
    if (/^《[^《]*》$/.test(t)) t = t.slice(1, -1);
    return "《" + t.replace(/《/g, "〈").replace(/》/g, "〉") + "》";
  }
  function clauseCitation(clause) {
    var number = String(clause.number || "").trim();
    var doc = bookTitle(clause.document_title) + (clause.doc_number ? "（" + clause.doc_number + "）" : "");
    return doc + (number ? " " + number : "");
  }
  // 查看原文: the clauses the answer rests on, shown in the chat from the answer's own payload.
  function clauseButton(clauses) {
    var button = el("button", "cg-clause-open", "查看原文");
    button.type = "button";
    button.addEventListener("click", function () {
      button.disabled = true;
      var r = row("bot", BOT_NAME, "产");
      r.bubble.classList.add("cg-clause-text");
      clauses.forEach(function (clause, i) {
        if (i) r.bubble.appendChild(el("br"));
        r.bubble.appendChild(el("div", "cg-clause-cite", clauseCitation(clause) + " 原文："));
        r.bubble.appendChild(el("div", "cg-clause-body", String(clause.text || "")));
      });
      log.insertBefore(r.row, typingRow);
      scrollDown();
    });
    return button;
  }
  // The verdict of an eligibility check (custom.type "eligibility_verdict") as a card: the
  // result, each condition with ✓ / ✗ / ?, the worker's answer and 查看原文 for its clause.
  var VERDICT_LABELS = { eligible: "可以申请", not_eligible: "暂不符合", unknown: "需要确认" };
  var LEVEL_STATUS = { held: "已持有", met: "✓", not_met: "✗", unknown: "?" };
  function mark(met) { return met === true ? "✓" : met === false ? "✗" : "?"; }
  function clauseToggle(clause) {
    var wrap = el("div", "cg-card-clause");
    var button = el("button", "cg-clause-open", "查看原文");
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    var text = el("div", "cg-clause-text");
    text.hidden = true;
    text.appendChild(el("div", "cg-clause-cite", clauseCitation({
      document_title: clause.document, doc_number: clause.doc_number, number: clause.number
    }) + " 原文："));
    text.appendChild(el("div", "cg-clause-body", String(clause.text || "")));
    button.addEventListener("click", function () {
      text.hidden = !text.hidden;
      button.setAttribute("aria-expanded", text.hidden ? "false" : "true");
      button.textContent = text.hidden ? "查看原文" : "收起原文";
    });
    wrap.appendChild(button); wrap.appendChild(text);
    return wrap;
  }
  function verdictCard(text, custom) {
    var lines = String(text).split("\n");
    var card = el("div", "cg-card");
    var verdict = VERDICT_LABELS[custom.verdict] ? custom.verdict : "unknown";
    if (lines[0]) card.appendChild(el("div", "cg-card-title", lines[0]));
    var result = el("div", "cg-card-result cg-verdict-" + verdict);
    var badge = custom.outcome === "level" && custom.level_label ? "可以申报" + custom.level_label : VERDICT_LABELS[verdict];
    result.appendChild(el("span", "cg-card-badge", badge));
    // the text's summary lines: after the title, before the first condition line (✓ ✗ ?)
    for (var i = 1; i < lines.length && !/^[✓✗?] /.test(lines[i]); i++) {
      if (lines[i]) result.appendChild(el("div", "cg-card-summary", lines[i]));
    }
    card.appendChild(result);
    if (Array.isArray(custom.levels) && custom.levels.length) {
      var levels = el("ul", "cg-card-levels");
      custom.levels.forEach(function (level) {
        if (!level || typeof level !== "object") return;
        var status = LEVEL_STATUS[level.status] || "?";
        var item = el("li", "cg-level cg-level-" + (LEVEL_STATUS[level.status] ? level.status : "unknown"));
        item.appendChild(el("span", "cg-mark", status));
        item.appendChild(el("span", null, String(level.label || level.level || "")));
        levels.appendChild(item);
      });
      card.appendChild(levels);
    }
    var list = el("ul", "cg-card-conditions");
    (Array.isArray(custom.conditions) ? custom.conditions : []).forEach(function (c) {
      if (!c || typeof c !== "object") return;
      var met = c.met === true || c.met === false ? c.met : null;
      var item = el("li", "cg-condition cg-met-" + String(met));
      var head = el("div", "cg-condition-head");
      head.appendChild(el("span", "cg-mark", mark(met)));
      head.appendChild(el("span", "cg-condition-question", String(c.question || "")));
      item.appendChild(head);
      var answer = c.answer === null || c.answer === undefined || c.answer === "" ? "未回答" : String(c.answer);
      // a condition the check never asks (the local union decides) shows its note, no answer
      if (c.asked !== false) item.appendChild(el("div", "cg-condition-answer", "您的回答：" + answer));
      if (c.note) item.appendChild(el("div", "cg-condition-note", String(c.note)));
      if (c.clause && typeof c.clause === "object" && c.clause.text) item.appendChild(clauseToggle(c.clause));
      list.appendChild(item);
    });
    card.appendChild(list);
    (Array.isArray(custom.lapse_notes) ? custom.lapse_notes : []).forEach(function (note) {
      card.appendChild(el("div", "cg-card-note", String(note)));
    });
    if (custom.how_to_apply) card.appendChild(el("div", "cg-card-apply", "怎么申请：" + custom.how_to_apply));
    var last = lines[lines.length - 1] || "";
    if (last.indexOf("以上") === 0) card.appendChild(el("div", "cg-card-foot", last));
    return card;
  }
  function renderQuick(buttons) {
    var group = el("div", "cg-quick");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "快捷回复");
    buttons.forEach(function (b) {
      if (!b || typeof b.title !== "string") return;
      var button = el("button", null, b.title);
      button.type = "button";
      button.addEventListener("click", function () {
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (x) { x.disabled = true; });
        submit(String(b.payload || b.title), b.title);
      });
      group.appendChild(button);
    });
    return group;
  }
  function renderStars() {
    var group = el("div", "cg-stars");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "请为这次人工服务打分");
    [1, 2, 3, 4, 5].forEach(function (n) {
      var button = el("button", null, n + "分");
      button.type = "button";
      button.addEventListener("click", function () {
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (x) { x.disabled = true; });
        submit('/rate_conversation{"rating":' + n + "}", "我打" + n + "分");
      });
      group.appendChild(button);
    });
    return group;
  }
  function render(message) {
    if (seen[message.id]) return;
    seen[message.id] = true;
    var custom = message.custom && typeof message.custom === "object" ? message.custom : {};
    var date = message.time ? new Date(message.time) : new Date();
    if (message.sender === "worker") {
      if (!message.text) return;  // a silent greeting
      var local = message.client_id && pending[message.client_id];
      if (local) { markDelivered(message.client_id); return; }
      maybeTime(date);
      var mine = row("worker", "我", "我");
      mine.bubble.textContent = message.text || "";
      log.insertBefore(mine.row, typingRow);
      scrollDown();
      return;
    }
    stopTyping();
    lastReplyAt = Date.now();
    if (custom.type === "queue") {
      queueBanner.textContent = "排队中（前面还有 " + (Number(custom.position) || 0) + " 人）";
      queueBanner.hidden = false;
    }
    if (custom.type === "staff_joined") {
      queueBanner.hidden = true;
      statusLine("工作人员 " + (custom.staff_name || "") + " 已接入");
    }
    if (custom.type === "handoff_closed") {
      queueBanner.hidden = true;
      statusLine("人工服务已结束");
    }
    if (!message.text) return;
    maybeTime(date);
    var staff = message.sender === "staff";
    var name = staff ? (custom.staff_name || "工会工作人员") : BOT_NAME;
    var r = row(staff ? "staff" : "bot", name, staff ? name.slice(0, 1) : "产");
    if (custom.type === "eligibility_verdict") {
      r.bubble.classList.add("cg-card-bubble");
      r.bubble.appendChild(verdictCard(message.text, custom));
      log.insertBefore(r.row, typingRow);
      if (Array.isArray(message.buttons) && message.buttons.length) log.insertBefore(renderQuick(message.buttons), typingRow);
      scrollDown();
      return;
    }
    var parts = splitSource(String(message.text), custom);
    r.bubble.textContent = parts[0];
    if (parts[1]) {
      var source = el("div", "cg-source", parts[1]);
      var link = custom.source && webUrl(custom.source.url);
      if (link) {
        source.appendChild(document.createTextNode(" "));
        var a = el("a", null, "来源网页");
        a.href = link; a.target = "_blank"; a.rel = "noopener noreferrer";
        source.appendChild(a);
      }
      var clauses = custom.source && Array.isArray(custom.source.clauses) ? custom.source.clauses : [];
      if (clauses.length) source.appendChild(clauseButton(clauses));
      r.bubble.appendChild(source);
    }
    log.insertBefore(r.row, typingRow);
    if (Array.isArray(message.buttons) && message.buttons.length) log.insertBefore(renderQuick(message.buttons), typingRow);
    if (custom.type === "handoff_closed" || custom.ask_rating) log.insertBefore(renderStars(), typingRow);
    scrollDown();
  }
  var lastReplyAt = 0;
  function startTyping() {
    if (!typingRow) {
      typingRow = row("bot", BOT_NAME, "产").row;
      typingRow.classList.add("cg-typing");
      typingRow.setAttribute("aria-label", "小助手正在输入");
      var bubble = typingRow.querySelector(".cg-bubble");
      for (var i = 0; i < 3; i++) bubble.appendChild(el("span", "cg-dot"));
      log.appendChild(typingRow);
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, TYPING_TIMEOUT_MS);
    scrollDown();
  }
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingRow) { typingRow.parentNode.removeChild(typingRow); typingRow = null; }
  }

  // ---- sending: an outbox in localStorage, so no text is ever lost ---------
  function outbox(items) {
    if (items === undefined) { try { return JSON.parse(store("outbox") || "[]"); } catch (e) { return []; } }
    store("outbox", JSON.stringify(items));
  }
  function setState(clientId, text, retry) {
    var item = pending[clientId];
    if (!item) return;
    item.state.textContent = text;
    if (retry) {
      var button = el("button", null, "点此重试");
      button.type = "button";
      button.addEventListener("click", function () { deliver(item.message); });
      item.state.appendChild(document.createTextNode(" "));
      item.state.appendChild(button);
    }
  }
  function markDelivered(clientId) {
    setState(clientId, "已送达");
    outbox(outbox().filter(function (m) { return m.client_id !== clientId; }));
  }
  function showOutgoing(message) {
    maybeTime(new Date());
    var mine = row("worker", "我", "我");
    mine.bubble.textContent = message.display || message.text;
    var state = el("div", "cg-state", "发送中…");
    mine.body.appendChild(state);
    log.insertBefore(mine.row, typingRow);
    pending[message.client_id] = { row: mine.row, state: state, message: message };
    scrollDown();
  }
  function deliver(message, silent) {
    var sentAt = Date.now();
    setState(message.client_id, "发送中…");
    ensureConversation().then(function (cid) {
      return fetch(API + "/conversations/" + cid + "/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(message)
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 202) {
          if (!silent) markDelivered(message.client_id);
          // the answer can arrive over SSE before this response: no dots after it
          if (lastReplyAt < sentAt) startTyping();
          return;
        }
        if (response.status === 404) { store("cid", null); throw new Error("conversation gone"); }
        if (response.status >= 400 && response.status < 500) {
          setState(message.client_id, body.message || "发送失败");
          outbox(outbox().filter(function (m) { return m.client_id !== message.client_id; }));
          if (!input.value) input.value = message.text;  // give the text back
          return;
        }
        throw new Error("server " + response.status);
      });
    }).catch(function () {
      if (!silent) setState(message.client_id, "发送失败", true);
    });
  }
  function submit(text, display, silent) {
    var message = { text: text, client_id: randomId() };
    if (typeof display === "string" && display !== text) message.display = display;
    if (silent) { deliver(message, true); return; }
    outbox(outbox().concat([message]));
    showOutgoing(message);
    deliver(message);
  }

  var composing = false;
  var composedAt = 0;
  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; composedAt = Date.now(); });
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey) return;
    if (composing || event.isComposing || event.keyCode === 229 || Date.now() - composedAt < 50) return;
    event.preventDefault();
    form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    submit(text);
  });

  // ---- conversation, history and the event stream --------------------------
  var conversation = null;
  function ensureConversation() {
    var cid = store("cid");
    if (cid) return Promise.resolve(cid);
    if (!conversation) {
      conversation = fetch(API + "/conversations", { method: "POST" }).then(function (r) {
        if (r.status !== 201) throw new Error("cannot start");
        return r.json();
      }).then(function (body) {
        store("cid", body.conversation_id);
        store("last", "0");
        conversation = null;
        return body.conversation_id;
      }, function (error) { conversation = null; throw error; });
    }
    return conversation;
  }
  function lastId() { return Number(store("last") || "0"); }
  function accept(message) {
    render(message);
    if (message.id > lastId()) store("last", String(message.id));
  }

  var source = null;
  var backoff = 1000;
  var retryTimer = null;
  function connect() {
    clearTimeout(retryTimer);
    ensureConversation().then(function (cid) {
      if (source) source.close();
      source = new EventSource(API + "/conversations/" + cid + "/events?after=" + lastId());
      source.addEventListener("open", function () { netBanner.hidden = true; backoff = 1000; });
      source.addEventListener("message", function (event) {
        try { accept(JSON.parse(event.data)); } catch (e) { /* ignore a malformed event */ }
      });
      source.addEventListener("error", function () {
        netBanner.hidden = false;
        if (source.readyState === EventSource.CLOSED) retry(cid);
      });
    }).catch(function () { netBanner.hidden = false; retry(null); });
  }
  function retry(cid) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      if (!cid) { connect(); return; }
      fetch(API + "/conversations/" + cid + "/messages?after=" + lastId()).then(function (r) {
        if (r.status === 404) { store("cid", null); store("last", "0"); }
        connect();
      }, function () { connect(); });
    }, backoff);
    backoff = Math.min(backoff * 2, 30000);
  }
  window.addEventListener("online", function () { backoff = 1000; connect(); });

  function start() {
    var cid = store("cid");
    var history = cid
      ? fetch(API + "/conversations/" + cid + "/messages?after=0").then(function (r) {
          if (r.status === 404) { store("cid", null); store("last", "0"); return { messages: [] }; }
          return r.json();
        })
      : Promise.resolve({ messages: [] });
    history.then(function (body) {
      (body.messages || []).forEach(accept);
      var unsent = outbox();
      unsent.forEach(function (m) { showOutgoing(m); deliver(m); });
      if (!(body.messages || []).length && !unsent.length) submit("/greet", "", true);
    }).catch(function () { netBanner.hidden = false; }).then(connect);
  }
  start();
  window.changaiWidget = { root: root, api: API };
})();
