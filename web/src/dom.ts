// Building the page from data without ever parsing it as HTML: every string becomes a text
// node (names and remittance text may hold markup), attributes are set one by one, and
// there is no inline style or handler (the desk's CSP forbids them).

export type Child = Node | string | number | null | undefined | false | readonly Child[];

export interface Attrs {
  class?: string;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
  [name: string]: unknown;
}

/** An element with attributes (`class`, `on` for listeners, the rest as attributes) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [event, listener] of Object.entries(value as Record<string, EventListener>)) {
        element.addEventListener(event, listener);
      }
    } else if (name === 'class') {
      element.className = String(value);
    } else if (name === 'value' && 'value' in element) {
      (element as HTMLInputElement).value = String(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, ...child);
      continue;
    }
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child as string | number)));
  }
}

/** Replaces an element's content with the children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A message box for the API's answers: `error` ones carry role="alert". */
export function notice(kind: 'error' | 'info' | 'ok', text: string): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A titled panel of a page. */
export function section(title: string, id: string, ...content: Child[]): HTMLElement {
  return h('section', { class: 'panel', id }, h('h2', null, title), ...content);
}

/** A definition list of label and value; empty values are left out. */
export function facts(pairs: [string, Node | string | null | undefined][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([label, value]) => [h('dt', null, label), h('dd', null, value as Node | string)]),
  );
}

/** A table of `rows` under a header of `labels`, scrolling sideways when too wide. */
export function dataTable(attrs: Attrs, labels: string[], rows: Child[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { ...attrs, class: 'data' + (attrs.class ? ' ' + attrs.class : '') },
      h('thead', null, h('tr', null, labels.map((label) => h('th', null, label)))),
      h('tbody', null, rows),
    ),
  );
}

/** A form whose submit runs `onSubmit` in the page (never a browser post). */
export function form(attrs: Attrs, onSubmit: (form: HTMLFormElement) => unknown, ...children: Child[]): HTMLFormElement {
  const element: HTMLFormElement = h(
    'form',
    {
      ...attrs,
      on: {
        submit: (event: SubmitEvent) => {
          event.preventDefault();
          void onSubmit(element);
        },
      },
    },
    ...children,
  );
  return element;
}

/** A password box: `purpose` is the browser's autocomplete hint (current or new password). */
export function passwordInput(id: string, purpose: 'current-password' | 'new-password'): HTMLInputElement {
  return h('input', { id, name: id, type: 'password', autocomplete: purpose, required: true, minlength: purpose === 'new-password' ? 12 : undefined });
}

/** A labelled select of a filter form (`filter-<name>` its id). */
export function selectField(name: string, label: string, options: [string, string][], value: string): HTMLElement {
  return h(
    'label',
    { class: 'field' },
    h('span', null, label),
    h(
      'select',
      { name, id: `filter-${name}` },
      options.map(([optionValue, text]) => h('option', { value: optionValue, selected: optionValue === value }, text)),
    ),
  );
}

/** A labelled text box of a filter form; `wide` spans two columns (a search box). */
export function textField(name: string, label: string, value: string, placeholder = '', wide = false): HTMLElement {
  return h(
    'label',
    { class: wide ? 'field field-wide' : 'field' },
    h('span', null, label),
    h('input', { name, id: `filter-${name}`, value, placeholder, type: wide ? 'search' : 'text' }),
  );
}
