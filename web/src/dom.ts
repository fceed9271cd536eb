// A small element builder: enough for tables and forms without a framework.
type Attrs = Record<string, string | number | boolean | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) el.append(c);
  return el;
}

export function field(label: string, value: string, id?: string): HTMLElement {
  return h('div', { class: 'field' }, h('span', { class: 'label' }, label), h('span', { class: 'value', id }, value));
}
