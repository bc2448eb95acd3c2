/*
 * The playground page: pick a person, chat with the bot privately or in a group, click cards,
 * run a scheduled job as of an instant. Everything typed or clicked goes to the server, which
 * hands it to the bot as Feishu would; what the bot sends arrives over Server-Sent Events.
 * Text is only ever set with textContent.
 */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const el = (tag, className, text) => {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };

  const state = {
    people: [],
    groups: [],
    person: null,
    chatId: null,
    entries: [],
    /** messageId → { entry, card } (card: the latest version, after updates). */
    messages: new Map(),
    unread: new Map(),
    lastSeq: 0,
    boot: null,
    timezone: 'Asia/Shanghai',
  };

  const QUICK = ['帮助', '申请', '查询', '需求', '需求列表', '待审', '近期活动', '发起报送'];
  const BOT_NAME = '企业创新助手';

  function personByOpenId(openId) {
    return state.people.find((p) => p.openId === openId);
  }

  function nameOf(openId) {
    if (openId === 'bot') return BOT_NAME;
    const p = personByOpenId(openId);
    return p ? p.name + '（' + p.role + '）' : openId;
  }

  function chatsOf(person) {
    const chats = [{ chatId: person.privateChatId, name: '私聊 · ' + BOT_NAME, sub: '只有你和机器人', kind: 'p2p' }];
    for (const g of state.groups) {
      if (g.members.includes(person.key)) chats.push({ chatId: g.chatId, name: g.name, sub: '已绑定：' + g.scope + ' · 成员：' + g.members.map((k) => state.people.find((p) => p.key === k).name).join('、') + '、' + BOT_NAME, kind: 'group' });
    }
    return chats;
  }

  /** The people in a chat (a person picker offers them): a group's members, or the private chat's person. */
  function membersOf(chatId) {
    const g = state.groups.find((x) => x.chatId === chatId);
    if (g) return g.members.map((k) => state.people.find((p) => p.key === k).openId);
    return state.people.filter((p) => p.privateChatId === chatId).map((p) => p.openId);
  }

  function currentChat() {
    return chatsOf(state.person).find((c) => c.chatId === state.chatId);
  }

  // ---- toasts and the confirm dialog ----

  function toast(type, content) {
    const t = el('div', 'toast toast-' + (['success', 'error', 'warning', 'info'].includes(type) ? type : 'info'), content);
    t.setAttribute('role', type === 'error' ? 'alert' : 'status');
    $('toasts').appendChild(t);
    setTimeout(() => t.classList.add('fade'), 3500);
    setTimeout(() => t.remove(), 4200);
  }

  function confirmDialog(title, text) {
    return new Promise((resolve) => {
      $('modal-title').textContent = title || '请确认';
      $('modal-text').textContent = text || '';
      $('modal').hidden = false;
      const done = (ok) => {
        $('modal').hidden = true;
        $('modal-ok').onclick = null;
        $('modal-cancel').onclick = null;
        resolve(ok);
      };
      $('modal-ok').onclick = () => done(true);
      $('modal-cancel').onclick = () => done(false);
    });
  }

  // ---- talking to the server ----

  async function post(path, body) {
    const res = await fetch('/playground/api/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let data = {};
    try {
      data = await res.json();
    } catch (e) {
      data = {};
    }
    if (!res.ok) throw new Error(data.error || '请求失败（' + res.status + '）');
    return data;
  }

  async function act(action, cardState, messageId) {
    cardState.setBusy(true);
    try {
      const answer = await post('card', {
        person: state.person.key,
        messageId,
        tag: action.tag,
        value: action.value,
        formValue: action.formValue,
        buttonName: action.buttonName,
        option: action.option,
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai',
      });
      if (answer.toast && answer.toast.content) toast(answer.toast.type, answer.toast.content);
    } catch (err) {
      toast('error', err.message);
    } finally {
      cardState.setBusy(false);
    }
  }

  // ---- drawing messages ----

  function renderBody(entry, card) {
    const m = entry.message;
    if (m.type === 'card') {
      const mounts = [];
      let cardState;
      const node = window.PlaygroundCards.renderCard(card || m.card, {
        nameOf: (openId) => {
          const p = personByOpenId(openId);
          return p ? p.name : openId;
        },
        imageUrl: (key) => '/playground/images/' + encodeURIComponent(key),
        members: () => membersOf(entry.chatId),
        act: (action, cs) => act(action, cs, entry.messageId),
        confirm: confirmDialog,
        afterMount: (fn) => mounts.push(fn),
      });
      node.dataset.messageId = entry.messageId;
      requestAnimationFrame(() => mounts.forEach((fn) => fn()));
      return node;
    }
    if (m.type === 'text') return el('div', 'bubble-text', m.text);
    if (m.type === 'image') {
      const img = el('img', 'bubble-img');
      img.alt = '图片';
      img.src = '/playground/images/' + encodeURIComponent(m.imageKey);
      return img;
    }
    if (m.type === 'file') return el('div', 'bubble-text file', '[文件] ' + (entry.fileName || m.fileKey) + '（演示页面不能下载）');
    if (m.type === 'forward') return el('div', 'bubble-text file', '[转发] 机器人转发了一条消息（演示页面不显示文件内容）');
    return el('div', 'bubble-text', '（一条 ' + m.type + ' 消息）');
  }

  function messageNode(entry) {
    const mine = entry.from === state.person.openId;
    const row = el('div', 'msg' + (mine ? ' mine' : '') + (entry.from === 'bot' ? ' bot' : ''));
    row.dataset.messageId = entry.messageId;
    row.dataset.from = entry.from === 'bot' ? 'bot' : 'person';
    const meta = el('div', 'msg-meta');
    meta.appendChild(el('span', 'msg-sender', nameOf(entry.from)));
    meta.appendChild(el('span', 'msg-time', new Date(entry.at).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', second: '2-digit' })));
    row.appendChild(meta);
    const holder = el('div', 'msg-body');
    holder.appendChild(renderBody(entry, state.messages.get(entry.messageId).card));
    row.appendChild(holder);
    return row;
  }

  function renderMessages() {
    const box = $('messages');
    box.replaceChildren();
    const list = state.entries.filter((e) => e.kind === 'message' && e.chatId === state.chatId);
    if (list.length === 0) box.appendChild(el('div', 'empty', '还没有消息。试试发送「帮助」。'));
    for (const e of list) box.appendChild(messageNode(e));
    box.scrollTop = box.scrollHeight;
  }

  function renderChats() {
    const ul = $('chats');
    ul.replaceChildren();
    for (const c of chatsOf(state.person)) {
      const li = el('li');
      const b = el('button', 'chat-item' + (c.chatId === state.chatId ? ' active' : ''));
      b.type = 'button';
      b.dataset.chat = c.chatId;
      b.appendChild(el('span', 'chat-name', c.name));
      const n = state.unread.get(c.chatId) || 0;
      if (n > 0) b.appendChild(el('span', 'unread', String(n)));
      b.addEventListener('click', () => selectChat(c.chatId));
      li.appendChild(b);
      ul.appendChild(li);
    }
  }

  function renderPeople() {
    const box = $('people');
    box.replaceChildren();
    for (const p of state.people) {
      const b = el('button', 'person' + (p === state.person ? ' active' : ''));
      b.type = 'button';
      b.dataset.person = p.key;
      b.setAttribute('role', 'radio');
      b.setAttribute('aria-checked', String(p === state.person));
      b.appendChild(el('span', 'person-name', p.name));
      b.appendChild(el('span', 'person-role', p.role + (p.admin ? '（管理员）' : '')));
      b.addEventListener('click', () => selectPerson(p.key));
      box.appendChild(b);
    }
  }

  function renderHead() {
    const c = currentChat();
    $('chat-title').textContent = c ? c.name : '';
    $('chat-sub').textContent = c ? c.sub : '';
    $('mention-box').hidden = !c || c.kind !== 'group';
  }

  function selectPerson(key) {
    state.person = state.people.find((p) => p.key === key) || state.people[0];
    localStorage.setItem('playground.person', state.person.key);
    const remembered = localStorage.getItem('playground.chat.' + state.person.key);
    const chats = chatsOf(state.person);
    state.chatId = chats.some((c) => c.chatId === remembered) ? remembered : chats[0].chatId;
    state.unread.clear();
    renderPeople();
    selectChat(state.chatId);
  }

  function selectChat(chatId) {
    state.chatId = chatId;
    state.unread.delete(chatId);
    localStorage.setItem('playground.chat.' + state.person.key, chatId);
    renderChats();
    renderHead();
    renderMessages();
  }

  // ---- what the server pushes ----

  function onEntry(e) {
    if (e.seq <= state.lastSeq) return;
    state.lastSeq = e.seq;
    state.entries.push(e);
    if (e.kind === 'message') {
      state.messages.set(e.messageId, { entry: e, card: e.message.type === 'card' ? e.message.card : undefined });
      if (e.chatId === state.chatId) {
        const box = $('messages');
        const empty = box.querySelector('.empty');
        if (empty) empty.remove();
        box.appendChild(messageNode(e));
        box.scrollTop = box.scrollHeight;
      } else if (chatsOf(state.person).some((c) => c.chatId === e.chatId)) {
        state.unread.set(e.chatId, (state.unread.get(e.chatId) || 0) + 1);
        renderChats();
      }
    } else if (e.kind === 'update') {
      const known = state.messages.get(e.messageId);
      if (!known) return;
      known.card = e.card;
      const row = document.querySelector('.msg[data-message-id="' + CSS.escape(e.messageId) + '"]');
      if (row) {
        const holder = row.querySelector('.msg-body');
        holder.replaceChildren(renderBody(known.entry, known.card));
        row.classList.remove('updated');
        void row.offsetWidth;
        row.classList.add('updated');
      }
    }
  }

  function connect() {
    const source = new EventSource('/playground/api/stream?since=' + state.lastSeq);
    source.addEventListener('hello', (ev) => {
      const { boot } = JSON.parse(ev.data);
      // The server restarted: its history starts again, and so does the page.
      if (state.boot && boot !== state.boot) location.reload();
      state.boot = boot;
    });
    source.onmessage = (ev) => onEntry(JSON.parse(ev.data));
  }

  // ---- composing ----

  async function send(text) {
    const c = currentChat();
    if (!text.trim()) return;
    try {
      await post('message', { person: state.person.key, chatId: c.chatId, text, mentionBot: $('mention').checked });
    } catch (err) {
      toast('error', err.message);
    }
  }

  function setUpComposer() {
    $('composer').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = $('text').value;
      $('text').value = '';
      send(text);
    });
    $('text').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        $('composer').requestSubmit();
      }
    });
    $('attach').addEventListener('click', () => {
      toast('info', '演示页面不能发送文件。在飞书里，把盖章扫描件、活动照片或专家名单（CSV / Excel）直接发给机器人即可。');
    });
    for (const word of QUICK) {
      const b = el('button', 'chip', word);
      b.type = 'button';
      b.addEventListener('click', () => send(word));
      $('quick').appendChild(b);
    }
  }

  // ---- the job panel ----

  function localInput(ms, timeZone) {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(new Date(ms))
        .map((p) => [p.type, p.value]),
    );
    return parts.year + '-' + parts.month + '-' + parts.day + 'T' + parts.hour + ':' + parts.minute;
  }

  function setUpJobs(jobs, now) {
    for (const j of jobs) {
      const o = el('option', '', j.name + ' — ' + j.description);
      o.value = j.name;
      $('job-name').appendChild(o);
    }
    $('job-at').value = localInput(now, state.timezone);
    $('job-at').title = '时区：' + state.timezone;
    $('job-run').addEventListener('click', async () => {
      $('job-run').disabled = true;
      $('job-result').textContent = '运行中……';
      try {
        const r = await post('job', { name: $('job-name').value, at: $('job-at').value });
        $('job-result').textContent = r.text;
      } catch (err) {
        $('job-result').textContent = err.message;
      } finally {
        $('job-run').disabled = false;
      }
    });
  }

  async function start() {
    const res = await fetch('/playground/api/state');
    const s = await res.json();
    state.people = s.people;
    state.groups = s.groups;
    state.timezone = s.timezone;
    setUpComposer();
    setUpJobs(s.jobs, s.now);
    selectPerson(localStorage.getItem('playground.person') || s.people[0].key);
    connect();
  }

  start().catch((err) => toast('error', '演示页面没有加载成功：' + err.message));
})();
