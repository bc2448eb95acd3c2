/*
 * Draws a Feishu card JSON 2.0 (the very JSON the bot sends) as DOM. Only createElement and
 * textContent: no text from a card is ever parsed as HTML. Covers what the bot's cards use:
 * the header and its template colours, markdown (bold, <font color>, <at id>, links, "- " lists,
 * HTML numeric entities), hr, img, column_set, form with input / select_static /
 * multi_select_static / select_person / date_picker / picker_datetime, buttons (callback, form submit and reset,
 * confirm) and the chart (VChart).
 */
(function () {
  'use strict';

  const HEADER_TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']);
  const FONT_COLOURS = new Set(['red', 'green', 'orange', 'grey', 'blue', 'yellow', 'purple', 'carmine', 'violet', 'indigo', 'wathet', 'turquoise']);

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function textOf(t) {
    if (!t) return '';
    if (typeof t === 'string') return t;
    return typeof t.content === 'string' ? t.content : '';
  }

  /** &#47; &#x2F; &amp; &lt; &gt; &quot; &apos; &nbsp; → characters (as text, never markup). */
  function decodeEntities(s) {
    return s.replace(/&(#\d+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos|nbsp);/g, (m, code) => {
      if (code[0] === '#') {
        const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
      }
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }[code];
    });
  }

  const INLINE = /(\*\*|~~|<font color=['"]?([a-zA-Z]+)['"]?>|<\/font>|<at (?:id|user_id|open_id)=['"]?([\w-]+)['"]?><\/at>|\[([^\]]*)\]\(([^)\s]*)\)|<br\s*\/?>)/g;

  /** One line of card markdown, appended to `parent`. */
  function inline(line, parent, ctx) {
    const stack = [parent];
    const top = () => stack[stack.length - 1];
    const text = (s) => {
      if (s) top().appendChild(document.createTextNode(decodeEntities(s)));
    };
    let last = 0;
    INLINE.lastIndex = 0;
    let m;
    while ((m = INLINE.exec(line)) !== null) {
      text(line.slice(last, m.index));
      last = INLINE.lastIndex;
      const token = m[1];
      if (token === '**' || token === '~~') {
        const tag = token === '**' ? 'STRONG' : 'S';
        if (top().tagName === tag && stack.length > 1) stack.pop();
        else {
          const e = el(tag.toLowerCase());
          top().appendChild(e);
          stack.push(e);
        }
      } else if (m[2] !== undefined) {
        const colour = m[2].toLowerCase();
        const e = el('span', 'md-font ' + (FONT_COLOURS.has(colour) ? 'fc-' + colour : ''));
        e.dataset.font = 'true';
        top().appendChild(e);
        stack.push(e);
      } else if (token === '</font>') {
        while (stack.length > 1) {
          const e = stack.pop();
          if (e.dataset && e.dataset.font) break;
        }
      } else if (m[3] !== undefined) {
        top().appendChild(el('span', 'md-at', '@' + ctx.nameOf(m[3])));
      } else if (m[4] !== undefined) {
        const url = m[5];
        if (/^https?:\/\//i.test(url)) {
          const a = el('a', 'md-link', decodeEntities(m[4]));
          a.href = url;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          top().appendChild(a);
        } else text(m[0]);
      } else {
        top().appendChild(el('br'));
      }
    }
    text(line.slice(last));
  }

  function markdown(content, ctx, extraClass) {
    const box = el('div', 'md' + (extraClass ? ' ' + extraClass : ''));
    for (const line of String(content || '').split('\n')) {
      const li = /^\s*[-*] (.*)$/.exec(line);
      const ol = /^\s*(\d+)\. (.*)$/.exec(line);
      const h = /^(#{1,4}) (.*)$/.exec(line);
      let row;
      if (li) {
        row = el('div', 'md-li');
        inline(li[1], row, ctx);
      } else if (ol) {
        row = el('div', 'md-li md-ol');
        row.dataset.n = ol[1];
        row.appendChild(document.createTextNode(ol[1] + '. '));
        inline(ol[2], row, ctx);
      } else if (h) {
        row = el('div', 'md-h');
        inline(h[2], row, ctx);
      } else if (line.trim() === '') {
        row = el('div', 'md-blank');
      } else {
        row = el('div', 'md-p');
        inline(line, row, ctx);
      }
      box.appendChild(row);
    }
    return box;
  }

  /** A date as the browser's clock sees it, with its offset, as Feishu's pickers send: "+0800". */
  function offsetNow() {
    const minutes = -new Date().getTimezoneOffset();
    const sign = minutes >= 0 ? '+' : '-';
    const abs = Math.abs(minutes);
    return sign + String(Math.floor(abs / 60)).padStart(2, '0') + String(abs % 60).padStart(2, '0');
  }

  function callbackValue(component) {
    const behaviors = Array.isArray(component.behaviors) ? component.behaviors : [];
    const cb = behaviors.find((b) => b && b.type === 'callback');
    if (cb) return cb.value && typeof cb.value === 'object' ? cb.value : {};
    if (component.value && typeof component.value === 'object') return component.value;
    return undefined;
  }

  /** Renders one element; `state` carries the enclosing form (its fields) and the card's controls. */
  function element(c, ctx, state) {
    if (!c || typeof c !== 'object') return el('div');
    switch (c.tag) {
      case 'markdown':
        return markdown(c.content, ctx, c.text_size === 'notation' ? 'md-note' : '');
      case 'lark_md':
        return markdown(c.content, ctx);
      case 'plain_text':
        return el('div', 'md md-p', c.content);
      case 'div': {
        const box = el('div', 'div');
        if (c.text) box.appendChild(c.text.tag === 'lark_md' ? markdown(c.text.content, ctx) : el('div', 'md md-p', textOf(c.text)));
        return box;
      }
      case 'hr':
        return el('hr', 'card-hr');
      case 'img':
        return image(c, ctx);
      case 'column_set':
        return columnSet(c, ctx, state);
      case 'form':
        return formContainer(c, ctx, state);
      case 'button':
        return button(c, ctx, state);
      case 'input':
        return input(c, ctx, state);
      case 'select_static':
        return select(c, ctx, state);
      case 'multi_select_static':
        return multiSelect(c, ctx, state);
      case 'select_person':
        return personSelect(c, ctx, state);
      case 'date_picker':
        return datePicker(c, ctx, state);
      case 'picker_datetime':
        return dateTimePicker(c, ctx, state);
      case 'chart':
        return chart(c, ctx);
      case 'collapsible_panel': {
        const d = el('details', 'panel');
        const s = el('summary', '', textOf(c.header && c.header.title) || '展开');
        d.appendChild(s);
        for (const child of c.elements || []) d.appendChild(element(child, ctx, state));
        return d;
      }
      default:
        return el('div', 'unsupported', '（演示页面不会画「' + String(c.tag) + '」元素，飞书里会显示）');
    }
  }

  function image(c, ctx) {
    const box = el('div', 'card-img');
    const alt = textOf(c.alt) || '图片';
    if (typeof c.img_key === 'string' && c.img_key) {
      const img = el('img');
      img.alt = alt;
      img.src = ctx.imageUrl(c.img_key);
      img.addEventListener('error', () => {
        box.replaceChildren(el('div', 'img-missing', '【图片：' + alt + '】演示页面取不到这张图片'));
      });
      box.appendChild(img);
    } else box.appendChild(el('div', 'img-missing', '【图片：' + alt + '】'));
    return box;
  }

  function columnSet(c, ctx, state) {
    const row = el('div', 'columns' + (c.flex_mode === 'flow' ? ' flow' : ''));
    for (const col of c.columns || []) {
      const cell = el('div', 'column');
      if (col.width === 'auto') cell.style.flex = '0 0 auto';
      else cell.style.flex = String(Number(col.weight) > 0 ? Number(col.weight) : 1) + ' 1 0';
      for (const child of col.elements || []) cell.appendChild(element(child, ctx, state));
      row.appendChild(cell);
    }
    return row;
  }

  function formContainer(c, ctx, state) {
    const box = el('form', 'card-form');
    box.dataset.form = String(c.name || '');
    box.addEventListener('submit', (e) => e.preventDefault());
    const formState = { card: state.card, fields: [] };
    for (const child of c.elements || []) box.appendChild(element(child, ctx, formState));
    return box;
  }

  function field(state, f) {
    if (state.fields) state.fields.push(f);
  }

  function label(c, control) {
    const l = textOf(c.label);
    if (!l) return control;
    const box = el('label', 'field-label');
    box.appendChild(el('span', '', l));
    box.appendChild(control);
    return box;
  }

  function input(c, ctx, state) {
    const multiline = c.input_type === 'multiline_text';
    const e = el(multiline ? 'textarea' : 'input', 'card-input');
    if (multiline) e.rows = Number(c.rows) || 3;
    else e.type = c.input_type === 'password' ? 'password' : 'text';
    e.name = String(c.name || '');
    e.placeholder = textOf(c.placeholder);
    if (Number(c.max_length) > 0) e.maxLength = Number(c.max_length);
    const initial = typeof c.default_value === 'string' ? c.default_value : '';
    e.value = initial;
    field(state, { name: e.name, get: () => e.value, reset: () => (e.value = initial) });
    return label(c, e);
  }

  function select(c, ctx, state, tag) {
    const e = el('select', 'card-select');
    e.name = String(c.name || '');
    const ph = el('option', '', textOf(c.placeholder) || '请选择');
    ph.value = '';
    e.appendChild(ph);
    for (const o of c.options || []) {
      const opt = el('option', '', textOf(o.text));
      opt.value = String(o.value);
      e.appendChild(opt);
    }
    const initial = typeof c.initial_option === 'string' ? c.initial_option : '';
    e.value = initial;
    if (state.fields) {
      field(state, { name: e.name, get: () => (e.value === '' ? undefined : e.value), reset: () => (e.value = initial) });
    } else {
      // Outside a form a select calls back as soon as something is chosen.
      e.addEventListener('change', () => {
        if (e.value !== '') ctx.act({ tag: tag || 'select_static', value: callbackValue(c) || {}, option: e.value }, state.card);
      });
      state.card.controls.push(e);
    }
    return label(c, e);
  }

  /**
   * 人员选择-单选: its options (open_ids), or, with none, the members of the chat the card is in,
   * as Feishu offers them; the value sent is the person's open_id.
   */
  function personSelect(c, ctx, state) {
    const given = Array.isArray(c.options) ? c.options.map((o) => String(o.value)) : [];
    const ids = given.length ? given : ctx.members ? ctx.members() : [];
    const options = ids.map((id) => ({ value: id, text: { tag: 'plain_text', content: ctx.nameOf ? ctx.nameOf(id) : id } }));
    return select(Object.assign({}, c, { options: options }), ctx, state, 'select_person');
  }

  function multiSelect(c, ctx, state) {
    const box = el('fieldset', 'card-multi');
    box.dataset.name = String(c.name || '');
    const ph = textOf(c.placeholder);
    if (ph) box.appendChild(el('legend', '', ph.includes('多选') ? ph : ph + '（可多选）'));
    const initial = new Set(Array.isArray(c.selected_values) ? c.selected_values.map(String) : []);
    const boxes = [];
    for (const o of c.options || []) {
      const l = el('label', 'multi-option');
      const cb = el('input');
      cb.type = 'checkbox';
      cb.value = String(o.value);
      cb.checked = initial.has(cb.value);
      boxes.push(cb);
      l.appendChild(cb);
      l.appendChild(el('span', '', textOf(o.text)));
      box.appendChild(l);
    }
    field(state, {
      name: String(c.name || ''),
      get: () => {
        const v = boxes.filter((b) => b.checked).map((b) => b.value);
        return v.length ? v : undefined;
      },
      reset: () => boxes.forEach((b) => (b.checked = initial.has(b.value))),
    });
    return box;
  }

  function datePicker(c, ctx, state) {
    const e = el('input', 'card-date');
    e.type = 'date';
    e.name = String(c.name || '');
    e.title = textOf(c.placeholder);
    const m = /^(\d{4}-\d{2}-\d{2})/.exec(String(c.initial_date || ''));
    const initial = m ? m[1] : '';
    e.value = initial;
    field(state, { name: e.name, get: () => (e.value ? e.value + ' ' + offsetNow() : undefined), reset: () => (e.value = initial) });
    return label(c, withPlaceholder(e, c));
  }

  function dateTimePicker(c, ctx, state) {
    const e = el('input', 'card-datetime');
    e.type = 'datetime-local';
    e.name = String(c.name || '');
    e.title = textOf(c.placeholder);
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})/.exec(String(c.initial_datetime || ''));
    const initial = m ? m[1] + 'T' + m[2] : '';
    e.value = initial;
    field(state, { name: e.name, get: () => (e.value ? e.value.replace('T', ' ').slice(0, 16) + ' ' + offsetNow() : undefined), reset: () => (e.value = initial) });
    return label(c, withPlaceholder(e, c));
  }

  /** Date inputs show no placeholder: the hint goes beside them. */
  function withPlaceholder(input, c) {
    const ph = textOf(c.placeholder);
    if (!ph) return input;
    const box = el('span', 'picker');
    box.appendChild(input);
    box.appendChild(el('span', 'picker-hint', ph));
    return box;
  }

  function button(c, ctx, state) {
    const b = el('button', 'card-btn btn-' + String(c.type || 'default').replace(/[^a-z_]/g, ''), textOf(c.text));
    b.type = 'button';
    if (c.width === 'fill') b.classList.add('btn-fill');
    if (c.disabled) {
      b.disabled = true;
      b.dataset.disabled = 'true';
    }
    const formFields = state.fields;
    const behaviors = Array.isArray(c.behaviors) ? c.behaviors : [];
    const openUrl = behaviors.find((x) => x && x.type === 'open_url');
    b.addEventListener('click', async () => {
      if (c.form_action_type === 'reset' && formFields) {
        formFields.forEach((f) => f.reset());
        return;
      }
      if (openUrl) {
        const url = String(openUrl.default_url || openUrl.pc_url || '');
        if (/^https?:\/\//i.test(url)) window.open(url, '_blank', 'noopener');
        return;
      }
      if (c.confirm && !(await ctx.confirm(textOf(c.confirm.title), textOf(c.confirm.text)))) return;
      const value = callbackValue(c) || {};
      if (c.form_action_type === 'submit' && formFields) {
        const formValue = {};
        for (const f of formFields) {
          const v = f.get();
          if (v !== undefined) formValue[f.name] = v;
        }
        ctx.act({ tag: 'button', value, formValue, buttonName: String(c.name || '') }, state.card);
      } else {
        ctx.act({ tag: 'button', value }, state.card);
      }
    });
    state.card.controls.push(b);
    return b;
  }

  function chart(c, ctx) {
    const box = el('div', 'card-chart');
    const ratio = /^(\d+):(\d+)$/.exec(String(c.aspect_ratio || '16:9'));
    box.style.aspectRatio = ratio ? ratio[1] + ' / ' + ratio[2] : '16 / 9';
    if (typeof c.height === 'string' && /^\d+px$/.test(c.height)) {
      box.style.aspectRatio = 'auto';
      box.style.height = c.height;
    }
    const spec = c.chart_spec;
    if (!spec || typeof spec !== 'object') {
      box.appendChild(el('div', 'img-missing', '图表没有数据（chart_spec 缺失）'));
      return box;
    }
    ctx.afterMount(() => {
      const VChart = window.VChart && (window.VChart.default || window.VChart.VChart);
      if (!VChart) {
        box.appendChild(el('div', 'img-missing', '图表库没有加载（/playground/vendor/vchart.js）'));
        return;
      }
      try {
        const instance = new VChart(JSON.parse(JSON.stringify(spec)), { dom: box, animation: false });
        instance.renderSync();
        box.dataset.rendered = 'true';
      } catch (err) {
        box.appendChild(el('div', 'img-missing', '图表无法显示：' + (err && err.message ? err.message : String(err))));
      }
    });
    return box;
  }

  /**
   * The whole card. ctx: nameOf(openId), imageUrl(key), act(action, card) → Promise,
   * confirm(title, text) → Promise<boolean>, afterMount(fn).
   */
  function renderCard(json, ctx) {
    const root = el('div', 'card');
    const cardState = { controls: [], root };
    const state = { card: cardState };
    const header = json && json.header;
    if (header) {
      const template = HEADER_TEMPLATES.has(header.template) ? header.template : 'default';
      const h = el('div', 'card-header tpl-' + template);
      h.appendChild(el('div', 'card-title', textOf(header.title)));
      if (header.subtitle) h.appendChild(el('div', 'card-subtitle', textOf(header.subtitle)));
      root.appendChild(h);
    }
    const body = el('div', 'card-body');
    const elements = (json && json.body && json.body.elements) || (json && json.elements) || [];
    for (const c of elements) body.appendChild(element(c, ctx, state));
    root.appendChild(body);
    cardState.setBusy = (busy) => {
      for (const c of cardState.controls) c.disabled = busy || c.dataset.disabled === 'true';
      root.classList.toggle('busy', busy);
    };
    return root;
  }

  window.PlaygroundCards = { renderCard, markdown, decodeEntities };
})();
