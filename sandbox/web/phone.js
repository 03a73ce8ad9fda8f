// The phone page: be one of the demo's people and chat with the bot through the sandbox's
// control API (docstring of sandbox/control_api.py). Everything arrives over one
// Server-Sent Events stream per chat, replayed from the start when you switch person, so
// the chat is rebuilt exactly as it happened: messages, edits, deletions, button answers.
//
// Safety: the sandbox turns the bot's HTML into plain text plus Telegram entities, and this
// page builds DOM nodes from those (textContent, createElement) — no innerHTML anywhere, so
// only what Telegram itself can show (bold, italic, underline, strikethrough, code, pre,
// links, spoilers, blockquotes) ever becomes markup, and links are http(s)/mailto only.
"use strict";

(() => {
  const BOT = "default";
  const ZONE = "Asia/Shanghai";
  const $ = (id) => document.getElementById(id);

  // ---- page texts (the bot's own texts come from the bot) ---------------------------

  const TEXTS = {
    zh: {
      demo: "演示",
      bot: "机器人",
      typing: "正在输入…",
      connecting: "连接中…",
      message: "消息",
      menu: "菜单",
      commands: "命令",
      photo: "照片",
      file: "文件",
      location: "位置",
      cancel: "取消",
      ok: "确定",
      edited: "已编辑",
      youAre: "你现在是",
      newPerson: "新同事",
      addPerson: "添加",
      addTitle: "以新身份打开邀请链接。\n新同事的姓名：",
      addPlain: "新建一个未登记的用户（可用 /start 邀请码 登记）。\n姓名：",
      other: "新用户",
      noCommands: "机器人尚未设置命令菜单",
      sendLocation: "发送位置",
      unsupported: "[此消息类型暂不支持显示]",
      download: "下载",
      forwarded: "转发自",
      empty: "这里还没有消息。\n发送 /start 开始。",
      blocked: "你已屏蔽机器人",
      unblocked: "你已取消屏蔽机器人",
      failed: "发送失败：",
      unknownButton: "此按钮在演示中不可用",
      dingtalk: "钉钉",
      dtRobot: "钉钉机器人",
      intro:
        "这是一台模拟的手机：不需要 Telegram 账号，也不连互联网。机器人在本机运行，" +
        "对接本地的 Bot API 模拟器，数据库里已有如皋科创议案的督查推进任务表（31 项，" +
        "覆盖 1+8 领域，期限围绕今天）和各个角色的人员。点上方的头像切换身份。",
      try: "试一试",
      steps: [
        "<b>王督查</b>（督查人员）：发送 <code>/visit</code>，选择企业，说说企业反映的困难，" +
          "点回形针按钮发一张照片和位置，关联到清单事项，最后 <code>/done</code>。",
        "<b>赵联络</b>（科技局联络员）：看到期限提醒，点按钮报告进展、申请销号或延期。",
        "<b>办公室</b>（管理员）：发送 <code>/invite</code> 邀请新同事；点开生成的链接，" +
          "就能以新身份登记。<code>/users</code> 管理人员。",
        "<b>陈主任</b>（分管领导）：接收逾期事项的提级督办通知。",
        "<b>周联络</b>（财政局联络员）在<b>钉钉</b>上：同一个机器人、同一本台账，" +
          "消息是钉钉的样子，点卡片上的按钮签收、报告进展，发送图片、文件、语音和视频作为佐证。",
      ],
      fine: "每次启动演示都会重新生成数据（data/demo/）。照片可以从电脑上选择任意 JPEG/PNG。",
    },
    en: {
      demo: "demo",
      bot: "bot",
      typing: "typing…",
      connecting: "connecting…",
      message: "Message",
      menu: "Menu",
      commands: "Commands",
      photo: "Photo",
      file: "File",
      location: "Location",
      cancel: "Cancel",
      ok: "OK",
      edited: "edited",
      youAre: "You are",
      newPerson: "Newcomer",
      addPerson: "Add",
      addTitle: "Open the invitation as a new person.\nTheir name:",
      addPlain: "A new, unregistered user (register with /start <code>).\nName:",
      other: "new user",
      noCommands: "The bot has not set a command menu",
      sendLocation: "Send location",
      unsupported: "[this kind of message is not shown here]",
      download: "Download",
      forwarded: "Forwarded from",
      empty: "No messages here yet.\nSend /start to begin.",
      blocked: "You blocked the bot",
      unblocked: "You unblocked the bot",
      failed: "Could not send: ",
      unknownButton: "This button does nothing in the demo",
      dingtalk: "DingTalk",
      dtRobot: "DingTalk robot",
      intro:
        "A simulated phone: no Telegram account and no internet needed. The bot runs on this " +
        "machine against a local Bot API stand-in, with Rugao's supervision table (31 items " +
        "across the 1+8 areas, deadlines around today) and one person in every role already " +
        "registered. Tap a face at the top to become that person.",
      try: "Try this",
      steps: [
        "<b>王督查</b> (inspector): send <code>/visit</code>, pick a company, type what it " +
          "told you, send a photo and your location with the paper clip, tie them to an item, " +
          "then <code>/done</code>.",
        "<b>赵联络</b> (科技局 contact): read the deadline reminders, report progress, ask to " +
          "close an item or for more time with the buttons.",
        "<b>办公室</b> (administrator): <code>/invite</code> someone; open the link it makes " +
          "to register as that new person. <code>/users</code> manages people.",
        "<b>陈主任</b> (leader): receives escalations of overdue items.",
        "<b>周联络</b> (财政局 contact) is on <b>DingTalk</b>: the same robot and ledger, " +
          "messages as DingTalk shows them; tap a card's buttons to acknowledge or report, " +
          "send pictures, files, voice notes or videos as evidence.",
      ],
      fine: "Every start of the demo seeds its data afresh (data/demo/). Any JPEG/PNG from your " +
        "computer will do as a photo.",
    },
  };

  let lang = localStorage.getItem("duban-demo-lang") === "en" ? "en" : "zh";
  const tr = (key) => TEXTS[lang][key];

  // ---- state -----------------------------------------------------------------------

  let people = []; // [{user_id, name, role_zh, role_en, unit, hint_zh, hint_en, known}]
  let places = [];
  let botUsername = "";
  let current = null; // user id
  let stream = null;
  let chat = null; // per-person view state, rebuilt on every switch
  const lastSeen = new Map(); // user id → last event seq seen on screen
  // The read mark is kept by the sandbox (POST …/read), so a reload counts as unread only
  // what came after it; markReadSoon sends it shortly after the screen shows new events.
  const readTimers = new Map(); // user id → pending markRead timer
  const unread = new Map();

  function freshChat() {
    return {
      messages: new Map(), // message_id → {message, fileUrls, sender}
      rows: new Map(), // message_id → row element (album members share their album's row)
      albums: new Map(), // media_group_id → {ids: [], row}
      pendingTaps: new Map(), // callback_query_id → button element
      keyboard: null,
      keyboardOpen: true,
      lastDay: "",
      lastSeq: 0,
    };
  }

  // ---- helpers -----------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function svg(markup) {
    // Fixed icon markup written in this file, never data from a message.
    const template = document.createElement("template");
    template.innerHTML = markup.trim();
    return template.content.firstChild;
  }

  const ICONS = {
    ticks:
      '<svg class="ticks" viewBox="0 0 16 10"><path d="M1 5.5l3 3 6-7M6.5 8.5l1 1 6-8" ' +
      'fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/></svg>',
    file:
      '<svg viewBox="0 0 24 24"><path d="M6 3h8l4 4v14H6z M14 3v4h4" fill="none" ' +
      'stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg>',
    pin:
      '<svg viewBox="0 0 24 24"><path d="M12 22s-7-7.2-7-12.2a7 7 0 0 1 14 0C19 14.8 12 22 12 22z" ' +
      'fill="#e0513f" stroke="#fff" stroke-width="1.5"/><circle cx="12" cy="9.8" r="2.6" fill="#fff"/></svg>',
    arrow:
      '<svg class="corner" viewBox="0 0 10 10"><path d="M3 1h6v6M9 1L2 8" fill="none" ' +
      'stroke="currentColor" stroke-width="1.4"/></svg>',
    locSmall:
      '<svg viewBox="0 0 24 24"><path d="M12 21s-6-6.2-6-11a6 6 0 0 1 12 0c0 4.8-6 11-6 11z" ' +
      'fill="none" stroke="currentColor" stroke-width="2"/><circle cx="12" cy="10" r="2.2" ' +
      'fill="currentColor"/></svg>',
  };

  const STARTS_WITH_SYMBOL = /^\p{Extended_Pictographic}/u;

  function colorClass(id) {
    return "c" + (Math.abs(Number(id)) % 7);
  }

  function initial(name) {
    return (Array.from(name || "?")[0] || "?").toUpperCase();
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, location.href);
      return ["http:", "https:", "mailto:"].includes(parsed.protocol) ? parsed.href : null;
    } catch {
      return null;
    }
  }

  function startLink(url) {
    // https://t.me/<bot>?start=<code>: a deep link to this very bot.
    try {
      const parsed = new URL(url);
      const host = parsed.hostname.replace(/^www\./, "");
      if (!["t.me", "telegram.me"].includes(host)) return null;
      const name = parsed.pathname.replace(/^\//, "");
      if (botUsername && name.toLowerCase() !== botUsername.toLowerCase()) return null;
      return parsed.searchParams.get("start");
    } catch {
      return null;
    }
  }

  function clock(unixSeconds) {
    const d = new Date(unixSeconds * 1000);
    // Beijing time, as the bot writes its times (the demo's people work in Rugao).
    return d.toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: ZONE,
    });
  }

  function dayLabel(unixSeconds) {
    const options = { month: "long", day: "numeric", weekday: "short", timeZone: ZONE };
    return new Date(unixSeconds * 1000).toLocaleDateString(lang === "zh" ? "zh-CN" : "en-GB", options);
  }

  function sizeLabel(bytes) {
    if (!bytes && bytes !== 0) return "";
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  let toastTimer = null;
  function toast(text) {
    const box = $("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (box.hidden = true), 2600);
  }

  function modal(text, { input = null } = {}) {
    // Resolves to the typed value (or true) on OK, null on cancel.
    return new Promise((resolve) => {
      $("modal-text").textContent = text;
      const field = $("modal-input");
      field.hidden = input === null;
      if (input !== null) field.value = input;
      $("modal-cancel").hidden = input === null; // an alert has only OK
      $("modal").hidden = false;
      (input !== null ? field : $("modal-ok")).focus();
      const finish = (value) => {
        $("modal").hidden = true;
        $("modal-ok").onclick = $("modal-cancel").onclick = field.onkeydown = null;
        resolve(value);
      };
      $("modal-ok").onclick = () => finish(input !== null ? field.value.trim() : true);
      $("modal-cancel").onclick = () => finish(null);
      field.onkeydown = (event) => {
        if (event.key === "Enter") finish(field.value.trim());
        if (event.key === "Escape") finish(null);
      };
    });
  }

  function alertBox(text) {
    return modal(text);
  }

  async function api(path, options = {}) {
    const response = await fetch(path, options);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  const chatPath = (userId) => `/sandbox/chats/${BOT}/${userId}`;
  // A DingTalk person's chat lives in DingTalk's stand-in (sandbox/dingtalk/control_api.py).
  const dtPath = (staffId) => `/sandbox/dingtalk/chats/${encodeURIComponent(staffId)}`;
  const personOf = (userId) => people.find((p) => p.user_id === userId);
  const onDingTalk = (person) => Boolean(person && person.platform === "dingtalk");

  // The control API takes JSON only (a page on another site cannot send that unasked);
  // files travel as base64.
  async function post(kind, body) {
    const userId = current;
    const person = personOf(userId);
    const base = onDingTalk(person) ? dtPath(person.staff_id) : chatPath(userId);
    const options = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    try {
      const answer = await api(`${base}/${kind}`, options);
      if (onDingTalk(person)) dtPollSoon();
      return answer;
    } catch (error) {
      toast(tr("failed") + error.message);
      return null;
    }
  }

  // ---- text with entities ----------------------------------------------------------

  function renderText(text, entities) {
    const fragment = document.createDocumentFragment();
    const list = (entities || [])
      .filter((e) => e.length > 0)
      .slice()
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    build(fragment, text, 0, text.length, list);
    return fragment;
  }

  function build(parent, text, start, end, list) {
    // Offsets are UTF-16 code units, which is what JavaScript strings index by.
    let pos = start;
    let i = 0;
    while (i < list.length) {
      const entity = list[i];
      const from = Math.max(entity.offset, pos);
      const to = Math.min(entity.offset + entity.length, end);
      i += 1;
      const inner = [];
      while (i < list.length && list[i].offset < to) inner.push(list[i++]);
      if (to <= from) continue;
      if (from > pos) plain(parent, text.slice(pos, from));
      const node = entityNode(entity, text.slice(from, to));
      build(node, text, from, to, inner);
      parent.append(node);
      pos = to;
    }
    if (pos < end) plain(parent, text.slice(pos, end));
  }

  // Commands and links in plain text are tappable, as Telegram's apps make them.
  const DETECT = /(^|[\s(（：:])(?:(\/[A-Za-z0-9_]{1,32})(?![A-Za-z0-9_/@])|(https?:\/\/[^\s<>"'，。、；！？）)]+))/g;

  function plain(parent, text) {
    if (["CODE", "PRE", "A"].includes(parent.nodeName) || parent.classList?.contains("cmd")) {
      parent.append(text);
      return;
    }
    let pos = 0;
    for (const match of text.matchAll(DETECT)) {
      const at = match.index + match[1].length;
      const found = match[2] || match[3];
      parent.append(text.slice(pos, at));
      let node;
      if (match[2]) {
        node = el("span", "cmd", found);
        node.addEventListener("click", () => sendText(found));
      } else {
        node = link(found);
        node.textContent = found;
      }
      parent.append(node);
      pos = at + found.length;
    }
    parent.append(text.slice(pos));
  }

  function entityNode(entity, content) {
    switch (entity.type) {
      case "bold": return el("b");
      case "italic": return el("i");
      case "underline": return el("u");
      case "strikethrough": return el("s");
      case "code": return el("code");
      case "pre": {
        const node = el("pre");
        if (entity.language) node.dataset.lang = entity.language;
        return node;
      }
      case "spoiler": {
        const node = el("span", "spoiler");
        node.addEventListener("click", () => node.classList.toggle("shown"));
        return node;
      }
      case "blockquote": return el("blockquote");
      case "expandable_blockquote": {
        const node = el("blockquote", "collapsed");
        node.addEventListener("click", () => node.classList.remove("collapsed"));
        return node;
      }
      case "text_link": return link(entity.url);
      case "url": return link(/^[a-z]+:/i.test(content) ? content : "http://" + content);
      case "email": return link("mailto:" + content);
      case "bot_command": {
        const node = el("span", "cmd");
        node.addEventListener("click", () => sendText(content.split("@")[0]));
        return node;
      }
      default: return el("span", "entity-" + entity.type);
    }
  }

  function link(url) {
    const code = url ? startLink(url) : null;
    const href = url ? safeUrl(url) : null;
    if (!href) return el("span");
    const node = el("a");
    node.href = href;
    node.target = "_blank";
    node.rel = "noopener noreferrer";
    if (code) {
      node.title = TEXTS[lang].addTitle.split("\n")[0];
      node.addEventListener("click", (event) => {
        event.preventDefault();
        openInvitation(code);
      });
    }
    return node;
  }

  // ---- one message -----------------------------------------------------------------

  function fileUrl(record, fileId) {
    return (record.fileUrls && record.fileUrls[fileId]) || `/sandbox/files/${encodeURIComponent(fileId)}`;
  }

  function largestPhoto(sizes) {
    // The sandbox keeps the sent bytes only in the largest PhotoSize; the smaller ones are
    // stand-in thumbnails, so the page always shows the largest (the browser scales it).
    return sizes.reduce((best, size) => (size.width * size.height > best.width * best.height ? size : best));
  }

  function meta(record) {
    const message = record.message;
    const box = el("span", "meta");
    if (message.edit_date) box.append(el("span", "edited", tr("edited")));
    box.append(clock(message.date));
    if (record.sender === "user") box.append(svg(ICONS.ticks));
    return box;
  }

  function caption(record) {
    const message = record.message;
    if (!message.caption) return null;
    const box = el("div", "caption");
    box.append(renderText(message.caption, message.caption_entities), meta(record));
    return box;
  }

  function header(record, bubble) {
    const message = record.message;
    if (message.forward_origin) {
      const origin = message.forward_origin;
      const who = (origin.sender_user && origin.sender_user.first_name) || origin.sender_user_name || "";
      bubble.append(el("div", "forwarded", `${tr("forwarded")} ${who}`));
    }
    const quoted = message.reply_to_message;
    if (quoted) {
      const words = quoted.text || quoted.caption || (quoted.photo ? tr("photo") : "…");
      bubble.append(el("div", "quote", words.split("\n")[0]));
    }
  }

  function bubbleFor(record) {
    const message = record.message;
    const bubble = el("div", "bubble");
    header(record, bubble);
    if (message.text !== undefined) {
      bubble.append(renderText(message.text, message.entities), meta(record));
    } else if (message.photo) {
      bubble.classList.add("media");
      const url = fileUrl(record, largestPhoto(message.photo).file_id);
      const anchor = el("a", "photo");
      anchor.href = url;
      anchor.target = "_blank";
      const img = el("img");
      img.src = url;
      img.alt = tr("photo");
      img.addEventListener("load", () => keepBottom());
      anchor.append(img);
      bubble.append(anchor);
      const text = caption(record);
      if (text) bubble.append(text);
      else {
        const stamp = meta(record);
        stamp.classList.add("over");
        bubble.append(stamp);
      }
    } else if (message.location) {
      bubble.classList.add("media", "location");
      const { latitude, longitude } = message.location;
      const map = el("div", "map");
      map.append(svg(ICONS.pin));
      const place = places.find(
        (p) => Math.abs(p.latitude - latitude) < 1e-4 && Math.abs(p.longitude - longitude) < 1e-4,
      );
      const text = el("div", "loc-text", place ? place.name : tr("location"));
      text.append(el("small", null, `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`));
      text.append(meta(record));
      bubble.append(map, text);
    } else {
      const kind = ["document", "video", "animation", "audio", "voice", "video_note", "sticker"].find(
        (k) => message[k],
      );
      if (kind) {
        const file = message[kind];
        const url = fileUrl(record, file.file_id);
        if (kind === "video" || kind === "animation" || kind === "video_note") {
          bubble.classList.add("media");
          const video = el("video");
          video.src = url;
          video.controls = true;
          video.preload = "metadata";
          video.style.maxWidth = "260px";
          bubble.append(video);
        } else if (kind === "voice" || kind === "audio") {
          const audio = el("audio");
          audio.src = url;
          audio.controls = true;
          bubble.append(audio);
        }
        const row = el("div", "file");
        const icon = el("span", "round");
        icon.append(svg(ICONS.file));
        const info = el("div");
        info.append(el("div", "file-name", file.file_name || kind));
        const size = el("div", "file-size", sizeLabel(file.file_size));
        const download = el("a", null, tr("download"));
        download.href = url;
        download.download = file.file_name || kind;
        size.append(download);
        info.append(size);
        row.append(icon, info);
        bubble.append(row);
        const text = caption(record);
        if (text) bubble.append(text);
        else bubble.append(meta(record));
      } else {
        bubble.append(el("span", "unsupported", tr("unsupported")), meta(record));
      }
    }
    return bubble;
  }

  function inlineKeyboard(record) {
    const rows = (record.message.reply_markup || {}).inline_keyboard;
    if (!rows || !rows.length) return null;
    const box = el("div", "inline-kb");
    for (const row of rows) {
      const line = el("div", "kb-row");
      for (const button of row) {
        const node = el("button", "kb-btn", button.text);
        node.type = "button";
        if (button.callback_data !== undefined) {
          node.addEventListener("click", () => tap(record.message.message_id, button.callback_data, node));
        } else if (button.url) {
          const code = startLink(button.url);
          const href = safeUrl(button.url);
          node.append(svg(ICONS.arrow));
          node.addEventListener("click", () => {
            if (code) openInvitation(code);
            else if (href) window.open(href, "_blank", "noopener");
          });
        } else {
          node.disabled = true;
          node.title = tr("unknownButton");
        }
        line.append(node);
      }
      box.append(line);
    }
    return box;
  }

  function rowFor(record) {
    const row = el("div", `row ${record.sender === "user" ? "out" : "in"}`);
    const group = el("div", "group");
    group.append(bubbleFor(record));
    const keys = inlineKeyboard(record);
    if (keys) {
      group.classList.add("has-kb");
      group.append(keys);
    }
    row.append(group);
    return row;
  }

  function albumRow(groupId) {
    const album = chat.albums.get(groupId);
    const records = album.ids.map((id) => chat.messages.get(id)).filter(Boolean);
    const first = records[0];
    const row = el("div", `row ${first.sender === "user" ? "out" : "in"}`);
    const group = el("div", "group");
    const bubble = el("div", "bubble media");
    const grid = el("div", "album");
    for (const record of records) {
      const photo = record.message.photo;
      const anchor = el("a");
      const img = el("img");
      if (photo) {
        anchor.href = img.src = fileUrl(record, largestPhoto(photo).file_id);
      } else {
        const file = record.message.video || record.message.document || {};
        anchor.href = fileUrl(record, file.file_id);
        anchor.textContent = file.file_name || tr("file");
      }
      anchor.target = "_blank";
      img.alt = tr("photo");
      img.addEventListener("load", () => keepBottom());
      if (photo) anchor.append(img);
      grid.append(anchor);
    }
    bubble.append(grid);
    const captioned = records.find((r) => r.message.caption);
    const text = captioned ? caption(captioned) : null;
    if (text) bubble.append(text);
    else {
      const stamp = meta(records[records.length - 1]);
      stamp.classList.add("over");
      bubble.append(stamp);
    }
    group.append(bubble);
    row.append(group);
    return row;
  }

  // ---- the chat as events arrive ---------------------------------------------------

  function nearBottom() {
    const box = $("messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  let stick = true;
  function keepBottom() {
    if (stick) $("messages").scrollTop = $("messages").scrollHeight;
  }

  function appendRow(row, date) {
    const box = $("messages");
    const empty = box.querySelector(".empty-chat");
    if (empty) empty.remove();
    const day = dayLabel(date);
    if (day !== chat.lastDay) {
      box.append(el("div", "day", day));
      chat.lastDay = day;
    }
    box.append(row);
  }

  function onMessage(event) {
    const message = event.message;
    const record = { message, fileUrls: event.file_urls || {}, sender: event.sender };
    chat.messages.set(message.message_id, record);
    const groupId = message.media_group_id;
    if (groupId) {
      const album = chat.albums.get(groupId);
      if (album) {
        album.ids.push(message.message_id);
        const row = albumRow(groupId);
        album.row.replaceWith(row);
        album.row = row;
        for (const id of album.ids) chat.rows.set(id, row);
        return;
      }
      chat.albums.set(groupId, { ids: [message.message_id], row: null });
      const row = albumRow(groupId);
      chat.albums.get(groupId).row = row;
      chat.rows.set(message.message_id, row);
      appendRow(row, message.date);
      return;
    }
    const row = rowFor(record);
    chat.rows.set(message.message_id, row);
    appendRow(row, message.date);
    if (event.sender === "bot" && "keyboard" in event) setKeyboard(event.keyboard);
  }

  function onEdit(event) {
    const message = event.message;
    const old = chat.messages.get(message.message_id);
    if (!old) return;
    const record = { ...old, message, fileUrls: { ...old.fileUrls, ...(event.file_urls || {}) } };
    chat.messages.set(message.message_id, record);
    const groupId = message.media_group_id;
    const oldRow = chat.rows.get(message.message_id);
    const row = groupId && chat.albums.has(groupId) ? albumRow(groupId) : rowFor(record);
    if (groupId && chat.albums.has(groupId)) {
      chat.albums.get(groupId).row = row;
      for (const id of chat.albums.get(groupId).ids) chat.rows.set(id, row);
    } else {
      chat.rows.set(message.message_id, row);
    }
    if (oldRow) oldRow.replaceWith(row);
    if (live) {
      row.classList.add("flash");
    }
  }

  function onDelete(event) {
    const id = event.message_id;
    const record = chat.messages.get(id);
    const row = chat.rows.get(id);
    chat.messages.delete(id);
    chat.rows.delete(id);
    if (!row) return;
    const groupId = record && record.message.media_group_id;
    const album = groupId && chat.albums.get(groupId);
    if (album) {
      album.ids = album.ids.filter((other) => other !== id);
      if (album.ids.length) {
        const fresh = albumRow(groupId);
        row.replaceWith(fresh);
        album.row = fresh;
        for (const other of album.ids) chat.rows.set(other, fresh);
        return;
      }
      chat.albums.delete(groupId);
    }
    if (live) {
      row.classList.add("gone");
      setTimeout(() => row.remove(), 350);
    } else {
      row.remove();
    }
  }

  let typingTimer = null;
  function onAction(event) {
    if (!live) return;
    const sub = $("chat-sub");
    sub.textContent = tr("typing");
    sub.classList.add("typing");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(showBotLabel, 5000);
  }

  function showBotLabel() {
    const sub = $("chat-sub");
    sub.textContent = tr("bot");
    sub.classList.remove("typing");
  }

  function onAnswer(event) {
    const button = chat.pendingTaps.get(event.callback_query_id);
    if (button) {
      button.classList.remove("busy");
      chat.pendingTaps.delete(event.callback_query_id);
    }
    if (!live) return;
    if (event.text && event.show_alert) alertBox(event.text);
    else if (event.text) toast(event.text);
    if (event.url) {
      const code = startLink(event.url);
      if (code) openInvitation(code);
    }
  }

  function onEvent(event) {
    if (event.seq <= chat.lastSeq) return; // a replay after reconnecting
    chat.lastSeq = event.seq;
    stick = stick || nearBottom() || !live;
    switch (event.kind) {
      case "message": onMessage(event); break;
      case "edit": onEdit(event); break;
      case "delete": onDelete(event); break;
      case "action": onAction(event); break;
      case "answer": onAnswer(event); break;
      case "blocked": appendRow(el("div", "system", tr("blocked")), event.time); break;
      case "unblocked": appendRow(el("div", "system", tr("unblocked")), event.time); break;
      default: break;
    }
    if (event.kind === "message" && event.sender === "bot") {
      showBotLabel();
      // Registering changes who the person is (新用户 → their role): look again.
      if (live) refreshPeopleSoon();
    }
    lastSeen.set(current, event.seq);
    markReadSoon();
    keepBottom();
  }

  function markReadSoon() {
    const userId = current;
    clearTimeout(readTimers.get(userId));
    readTimers.set(userId, setTimeout(() => {
      readTimers.delete(userId);
      const seq = lastSeen.get(userId) || 0;
      api(`${chatPath(userId)}/read`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ seq }),
      }).catch(() => {}); // the mark is a convenience; the chat itself is unaffected
    }, 250));
  }

  // ---- reply keyboard --------------------------------------------------------------

  function setKeyboard(markup) {
    chat.keyboard = markup && markup.keyboard ? markup : null;
    chat.keyboardOpen = true;
    renderKeyboard();
  }

  function renderKeyboard() {
    const box = $("reply-keyboard");
    box.replaceChildren();
    const markup = chat && chat.keyboard;
    $("kbd-btn").hidden = !markup;
    $("input").placeholder = (markup && markup.input_field_placeholder) || tr("message");
    if (!markup || !chat.keyboardOpen) {
      box.hidden = true;
      $("kbd-btn").classList.remove("on");
      return;
    }
    $("kbd-btn").classList.add("on");
    box.classList.toggle("tall", !markup.resize_keyboard);
    for (const row of markup.keyboard) {
      const line = el("div", "kb-row");
      for (const button of row) {
        const text = typeof button === "string" ? button : button.text;
        const node = el("button", "reply-btn");
        node.type = "button";
        // Telegram shows the label as the bot wrote it; the page adds its pin only when the
        // label has no symbol of its own (the bot's "📍 发送位置" would read 📍📍).
        if (button.request_location && !STARTS_WITH_SYMBOL.test(text)) node.append(svg(ICONS.locSmall));
        node.append(text);
        node.addEventListener("click", () => pressReply(button, text, markup));
        line.append(node);
      }
      box.append(line);
    }
    box.hidden = false;
    keepBottom();
  }

  function pressReply(button, text, markup) {
    if (markup.one_time_keyboard) {
      chat.keyboardOpen = false;
      renderKeyboard();
    }
    if (button.request_location) {
      const place = places[0] || { latitude: 32.3712, longitude: 120.566 };
      post("location", { latitude: place.latitude, longitude: place.longitude });
    } else if (button.request_contact) {
      toast(tr("unknownButton"));
    } else {
      sendText(text);
    }
  }

  // ---- what the user does ----------------------------------------------------------

  async function sendText(text) {
    if (!text.trim() || current === null) return;
    stick = true;
    await post("text", { text });
  }

  async function tap(messageId, data, node) {
    node.classList.add("busy");
    const answer = await post("tap", { message_id: messageId, callback_data: data });
    if (answer) chat.pendingTaps.set(answer.callback_query_id, node);
    else node.classList.remove("busy");
  }

  async function fileJson(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return { data: btoa(binary), file_name: file.name, mime_type: file.type || "application/octet-stream" };
  }

  async function sendPhotos(files) {
    const caption = $("input").value.trim();
    const list = Array.from(files);
    if (!list.length) return;
    stick = true;
    if (onDingTalk(personOf(current))) {
      // A DingTalk picture message has no caption: the words go first, as a message.
      if (caption && !(await post("text", { text: caption }))) return;
      for (const file of list) {
        if (!(await post("picture", { data: (await fileJson(file)).data }))) return;
      }
      clearInput();
      return;
    }
    for (let i = 0; i < list.length; i += 10) {
      const chunk = list.slice(i, i + 10);
      const body = caption && i === 0 ? { caption } : {};
      const sent =
        chunk.length === 1
          ? await post("photo", { ...body, photo: await fileJson(chunk[0]) })
          : await post("album", { ...body, photos: await Promise.all(chunk.map(fileJson)) });
      if (!sent) return;
    }
    clearInput();
  }

  async function sendDocument(file) {
    if (!file) return;
    if (onDingTalk(personOf(current))) return dtSendFile(file);
    const caption = $("input").value.trim();
    stick = true;
    const body = { document: await fileJson(file) };
    if (caption) body.caption = caption;
    if (await post("document", body)) clearInput();
  }

  // DingTalk's phone app sends a file chosen as a file message, a voice note as a voice
  // message and a video from the album as a video message: the page sends audio and video
  // files as the latter two, with their length, and anything else as a file. None of them
  // has a caption: the words typed go first, as a message, as with pictures.
  async function dtSendFile(file) {
    const words = $("input").value.trim();
    stick = true;
    if (words && !(await post("text", { text: words }))) return;
    const type = file.type || "";
    const kind = type.startsWith("audio/") ? "audio" : type.startsWith("video/") ? "video" : "file";
    const body = { data: (await fileJson(file)).data, file_name: file.name };
    if (kind !== "file") body.seconds = await mediaSeconds(file, kind);
    if (await post(kind, body)) clearInput();
  }

  function mediaSeconds(file, kind) {
    // The browser reads the length from the file itself; 1 s when it cannot tell.
    return new Promise((resolve) => {
      const media = document.createElement(kind);
      const url = URL.createObjectURL(file);
      let timer = null;
      const done = (seconds) => {
        clearTimeout(timer);
        URL.revokeObjectURL(url);
        resolve(Number.isFinite(seconds) && seconds > 0 ? Math.max(1, Math.round(seconds)) : 1);
      };
      timer = setTimeout(() => done(0), 2000);
      media.preload = "metadata";
      media.addEventListener("loadedmetadata", () => done(media.duration));
      media.addEventListener("error", () => done(0));
      media.src = url;
    });
  }

  async function sendPlace(place) {
    closeSheets();
    stick = true;
    await post("location", { latitude: place.latitude, longitude: place.longitude });
  }

  function clearInput() {
    $("input").value = "";
    autoGrow();
  }

  async function openInvitation(code) {
    const name = await modal(TEXTS[lang].addTitle, { input: tr("newPerson") });
    if (!name) return;
    const user = await api("/sandbox/users", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ first_name: name, language_code: lang === "en" ? "en" : "zh" }),
    });
    await loadPeople();
    await switchTo(user.id);
    await sendText(`/start ${code}`);
  }

  async function addPerson() {
    const name = await modal(TEXTS[lang].addPlain, { input: tr("newPerson") });
    if (!name) return;
    const user = await api("/sandbox/users", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ first_name: name, language_code: lang === "en" ? "en" : "zh" }),
    });
    await loadPeople();
    await switchTo(user.id);
  }

  // ---- sheets: command menu, attachments -------------------------------------------

  function closeSheets() {
    $("menu-sheet").hidden = true;
    $("attach-sheet").hidden = true;
    $("places-list").hidden = true;
  }

  async function toggleMenu() {
    const sheet = $("menu-sheet");
    if (!sheet.hidden) return closeSheets();
    closeSheets();
    const list = $("menu-list");
    list.replaceChildren();
    let commands = [];
    try {
      commands = await api(`${chatPath(current)}/commands`);
    } catch {
      commands = [];
    }
    if (!commands.length) commands = [{ command: "start", description: "" }, { command: "help", description: "" }];
    for (const command of commands) {
      const item = el("li");
      const button = el("button");
      button.type = "button";
      button.append(el("span", "cmd-name", "/" + command.command), el("span", "cmd-desc", command.description));
      button.addEventListener("click", () => {
        closeSheets();
        sendText("/" + command.command);
      });
      item.append(button);
      list.append(item);
    }
    sheet.hidden = false;
  }

  function toggleAttach() {
    const sheet = $("attach-sheet");
    const open = sheet.hidden;
    closeSheets();
    sheet.hidden = !open;
  }

  function showPlaces() {
    const list = $("places-list");
    list.replaceChildren();
    const options = places.length ? places : [{ name: tr("location"), latitude: 32.3712, longitude: 120.566 }];
    for (const place of options) {
      const item = el("li");
      const button = el("button");
      button.type = "button";
      button.append(
        el("span", "cmd-name", place.name),
        el("span", "cmd-desc", `${place.latitude.toFixed(4)}, ${place.longitude.toFixed(4)}`),
      );
      button.addEventListener("click", () => sendPlace(place));
      item.append(button);
      list.append(item);
    }
    list.hidden = false;
  }

  // ---- people ----------------------------------------------------------------------

  async function loadPeople() {
    const [roster, users] = await Promise.all([
      api("/sandbox/roster").catch(() => ({ people: [], places: [] })),
      api("/sandbox/users").catch(() => []),
    ]);
    places = roster.places || [];
    const known = new Set(roster.people.map((p) => p.user_id));
    const fresh = roster.people.map((p) => ({ ...p, known: true }));
    for (const user of users) {
      if (known.has(user.id)) continue;
      fresh.push({ user_id: user.id, name: [user.first_name, user.last_name].filter(Boolean).join(" "), known: false });
    }
    // Re-rendering the strip replaces its tabs; only do it when someone changed.
    const changed = JSON.stringify(fresh) !== JSON.stringify(people);
    people = fresh;
    if (changed) renderPeople();
  }

  let peopleTimer = null;
  function refreshPeopleSoon() {
    clearTimeout(peopleTimer);
    peopleTimer = setTimeout(() => loadPeople().catch(() => {}), 300);
  }

  function roleOf(person) {
    if (!person.known) return tr("other");
    return lang === "en" ? person.role_en : person.role_zh;
  }

  function renderPeople() {
    const strip = $("people");
    strip.replaceChildren();
    for (const person of people) {
      const tab = el("button", "person");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.dataset.user = person.user_id;
      tab.setAttribute("aria-selected", String(person.user_id === current));
      tab.title = `${person.name} · ${roleOf(person)}${person.unit ? " · " + person.unit : ""}`;
      const avatar = el("span", `avatar ${colorClass(person.user_id)}`, initial(person.name));
      if (onDingTalk(person)) {
        tab.classList.add("on-dingtalk");
        avatar.append(el("span", "dt-mark", "钉"));
      }
      tab.append(avatar, el("span", "p-name", person.name), el("span", "p-role", person.unit || roleOf(person)));
      const count = unread.get(person.user_id) || 0;
      if (count && person.user_id !== current) tab.append(el("span", "badge", String(count)));
      tab.addEventListener("click", () => switchTo(person.user_id));
      strip.append(tab);
    }
    const add = el("button", "person add");
    add.type = "button";
    add.title = tr("addPerson");
    add.append(el("span", "avatar", "+"), el("span", "p-name", tr("addPerson")), el("span", "p-role", ""));
    add.addEventListener("click", addPerson);
    strip.append(add);
    const selected = strip.querySelector('[aria-selected="true"]');
    if (selected) selected.scrollIntoView({ block: "nearest", inline: "nearest" });
    renderWho();
  }

  function renderWho() {
    const person = people.find((p) => p.user_id === current);
    const box = $("who");
    box.replaceChildren();
    if (!person) return;
    box.append(`${tr("youAre")} `);
    box.append(el("b", null, person.name));
    const parts = [roleOf(person), person.unit].filter(Boolean);
    const hint = person.known ? (lang === "en" ? person.hint_en : person.hint_zh) : "";
    if (onDingTalk(person)) parts.push(tr("dingtalk"));
    box.append(` · ${parts.join(" · ")}${hint ? " — " + hint : ""}`);
  }

  let live = false;
  async function switchTo(userId) {
    if (stream) stream.close();
    stream = null;
    dtStop();
    closeSheets();
    const person = personOf(userId);
    document.body.classList.toggle("dingtalk", onDingTalk(person));
    if (onDingTalk(person)) return dtOpen(person);
    current = userId;
    history.replaceState(null, "", `#as=${userId}`);
    chat = freshChat();
    live = false;
    stick = true;
    unread.set(userId, 0);
    const box = $("messages");
    box.replaceChildren(el("div", "empty-chat", tr("empty")));
    renderKeyboard();
    renderPeople();
    $("chat-sub").textContent = tr("connecting");
    // Replay everything, then live events; the browser resumes with Last-Event-ID.
    stream = new EventSource(`${chatPath(userId)}/events?since=0`);
    const kinds = ["message", "edit", "delete", "action", "tap", "answer", "blocked", "unblocked"];
    for (const kind of kinds) {
      stream.addEventListener(kind, (message) => {
        if (userId !== current) return;
        onEvent(JSON.parse(message.data));
      });
    }
    stream.onopen = () => {
      showBotLabel();
      // Events already in the chat arrive at once on opening; later ones are live.
      setTimeout(() => {
        if (userId === current) {
          live = true;
          document.body.dataset.ready = String(userId);
        }
      }, 300);
    };
    stream.onerror = () => {
      if (userId === current) $("chat-sub").textContent = tr("connecting");
    };
    $("input").focus();
  }

  async function pollUnread() {
    // Who everyone is may have changed (someone registered, the office changed a role).
    await loadPeople().catch(() => {});
    // Other people's chats: count the bot's messages they have not looked at yet.
    for (const person of people) {
      if (person.user_id === current) continue;
      if (onDingTalk(person)) {
        await dtCountUnread(person);
        continue;
      }
      try {
        const state = await api(chatPath(person.user_id));
        const seen = Math.max(lastSeen.get(person.user_id) || 0, state.read_seq || 0);
        const count = state.events.filter((e) => e.kind === "message" && e.sender === "bot" && e.seq > seen).length;
        if (count !== (unread.get(person.user_id) || 0)) {
          unread.set(person.user_id, count);
          renderPeople();
        }
      } catch {
        // A user the bot has no chat with yet: nothing to count.
      }
    }
  }

  // A DingTalk person's unread count: the robot's messages after the read mark the page
  // keeps in the stand-in (POST …/read), so a reload counts only what is new, as on Telegram.
  const dtSeen = new Map(); // user id → robot messages shown on screen
  const robotMessages = (messages) => messages.filter((m) => m.from === "bot").length;

  async function dtCountUnread(person) {
    let state;
    try {
      state = await api(dtPath(person.staff_id));
    } catch {
      return; // the stand-in is not up yet: nothing to count
    }
    const seen = Math.max(dtSeen.get(person.user_id) || 0, state.read || 0);
    const count = Math.max(0, robotMessages(state.messages) - seen);
    if (count !== (unread.get(person.user_id) || 0)) {
      unread.set(person.user_id, count);
      renderPeople();
    }
  }

  function dtMarkRead(person, messages) {
    const count = robotMessages(messages);
    if (count <= (dtSeen.get(person.user_id) || 0)) return;
    dtSeen.set(person.user_id, count);
    const options = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ count }) };
    api(`${dtPath(person.staff_id)}/read`, options).catch(() => {});
  }

  // ---- a DingTalk person's chat ------------------------------------------------------
  // DingTalk's phone app draws the robot's markdown as text with bold, its interactive
  // cards as white cards whose buttons sit in a row under a line, and the person's own
  // messages in its blue. The stand-in has no event stream for the page: the chat is asked
  // for again every moment and drawn afresh when it changed. No innerHTML: text nodes only.

  let dtTimer = null;
  let dtShown = "";

  function dtStop() {
    clearInterval(dtTimer);
    dtTimer = null;
    dtShown = "";
  }

  async function dtOpen(person) {
    current = person.user_id;
    history.replaceState(null, "", `#as=${person.user_id}`);
    chat = freshChat();
    stick = true;
    unread.set(person.user_id, 0);
    $("messages").replaceChildren(el("div", "empty-chat", tr("empty")));
    renderKeyboard();
    renderPeople();
    $("chat-sub").textContent = tr("dtRobot");
    await dtPoll();
    document.body.dataset.ready = String(person.user_id);
    dtTimer = setInterval(dtPoll, 700);
    $("input").focus();
  }

  let dtSoon = null;
  function dtPollSoon() {
    clearTimeout(dtSoon);
    dtSoon = setTimeout(dtPoll, 150);
  }

  async function dtPoll() {
    const person = personOf(current);
    if (!onDingTalk(person)) return;
    let state;
    try {
      state = await api(dtPath(person.staff_id));
    } catch {
      return;
    }
    if (personOf(current) !== person) return;
    dtMarkRead(person, state.messages);
    const shown = JSON.stringify(state.messages);
    if (shown === dtShown) return;
    dtShown = shown;
    const box = $("messages");
    box.replaceChildren();
    if (!state.messages.length) box.append(el("div", "empty-chat", tr("empty")));
    for (const message of state.messages) box.append(dtRow(person, message));
    stick = true;
    keepBottom();
  }

  function dtMarkdown(parent, text) {
    // **bold** as DingTalk shows it; every other character as it is (lines kept by CSS).
    const parts = String(text || "").replace(/ {2}\n/g, "\n").split("**");
    parts.forEach((part, index) => parent.append(index % 2 ? el("b", null, part) : document.createTextNode(part)));
    return parent;
  }

  function dtRow(person, message) {
    const mine = message.from === "user";
    const row = el("div", `row ${mine ? "out" : "in"}`);
    const group = el("div", "group");
    if (message.kind === "card") group.append(dtCard(person, message));
    else if (message.kind === "picture") {
      const bubble = el("div", "bubble media dt-picture");
      const img = el("img");
      img.src = message.url;
      img.alt = tr("photo");
      img.addEventListener("load", () => keepBottom());
      bubble.append(img);
      group.append(bubble);
    } else if (message.kind === "audio" || message.kind === "video") {
      const bubble = el("div", `bubble dt-${message.kind}`);
      const player = el(message.kind);
      player.src = message.url;
      player.controls = true;
      player.preload = "metadata";
      bubble.append(player, el("div", "dt-file-name", message.name));
      group.append(bubble);
    } else if (message.kind === "file") {
      const bubble = el("div", "bubble dt-file");
      const anchor = el("a", null, `${tr("download")} ${message.name}`);
      anchor.href = message.url;
      bubble.append(anchor);
      group.append(bubble);
    } else {
      group.append(dtMarkdown(el("div", "bubble dt-text"), message.text));
    }
    row.append(group);
    return row;
  }

  function dtCard(person, message) {
    const card = el("div", "bubble dt-card");
    if (message.title) card.append(el("div", "dt-card-title", message.title));
    card.append(dtMarkdown(el("div", "dt-card-body"), message.markdown));
    if (message.buttons.length) {
      const row = el("div", "dt-card-buttons");
      for (const button of message.buttons) {
        const node = el("button", "dt-btn", button.text);
        node.type = "button";
        node.addEventListener("click", async () => {
          node.classList.add("busy");
          const tapped = await post("tap", { out_track_id: message.out_track_id, index: button.index });
          if (!tapped) node.classList.remove("busy");
        });
        row.append(node);
      }
      card.append(row);
    }
    return card;
  }

  // ---- composer --------------------------------------------------------------------

  function autoGrow() {
    const input = $("input");
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  }

  function submit() {
    const input = $("input");
    const text = input.value;
    if (!text.trim()) return;
    clearInput();
    sendText(text);
  }

  function applyLanguage() {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    $("lang-toggle").textContent = lang === "en" ? "中文" : "EN";
    for (const node of document.querySelectorAll("[data-t]")) {
      const text = TEXTS[lang][node.dataset.t];
      if (typeof text === "string") node.textContent = text;
    }
    const steps = $("steps");
    steps.replaceChildren();
    for (const step of TEXTS[lang].steps) {
      // Fixed strings from TEXTS above (page chrome), never message data.
      const item = document.createElement("li");
      item.innerHTML = step;
      steps.append(item);
    }
    $("input").placeholder = tr("message");
    renderPeople();
    renderKeyboard();
  }

  function wire() {
    $("send-btn").addEventListener("click", submit);
    $("input").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    $("input").addEventListener("input", autoGrow);
    $("menu-btn").addEventListener("click", toggleMenu);
    $("attach-btn").addEventListener("click", toggleAttach);
    $("attach-photo").addEventListener("click", () => $("photo-input").click());
    $("attach-doc").addEventListener("click", () => $("doc-input").click());
    $("attach-location").addEventListener("click", showPlaces);
    $("photo-input").addEventListener("change", async (event) => {
      closeSheets();
      await sendPhotos(event.target.files);
      event.target.value = "";
    });
    $("doc-input").addEventListener("change", async (event) => {
      closeSheets();
      await sendDocument(event.target.files[0]);
      event.target.value = "";
    });
    $("kbd-btn").addEventListener("click", () => {
      chat.keyboardOpen = !chat.keyboardOpen;
      renderKeyboard();
    });
    $("messages").addEventListener("click", closeSheets);
    $("messages").addEventListener("scroll", () => (stick = nearBottom()));
    $("lang-toggle").addEventListener("click", () => {
      lang = lang === "en" ? "zh" : "en";
      localStorage.setItem("duban-demo-lang", lang);
      applyLanguage();
      if (current !== null) switchTo(current);
    });
  }

  async function main() {
    wire();
    applyLanguage();
    try {
      const bots = await api("/sandbox/bots");
      const bot = bots.find((b) => b.default) || bots[0];
      if (bot) {
        botUsername = bot.username;
        $("bot-name").textContent = bot.first_name.replace(/\s*\(sandbox\)\s*$/, "");
      }
    } catch {
      // The page still works; deep links are then recognised by host alone.
    }
    await loadPeople();
    const wanted = Number((location.hash.match(/as=(\d+)/) || [])[1]);
    const first = people.find((p) => p.user_id === wanted) || people[0];
    if (first) await switchTo(first.user_id);
    setInterval(pollUnread, 3000);
  }

  main();
})();
