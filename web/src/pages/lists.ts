// The lists page (/lists, every role, read-only): each imported sanctions list's current
// version, the publisher's version, its entries, when it was imported, and what that
// import changed against the version before (added, removed, changed entries). Without the
// desk's `lists:` directory it says how to name one.
import { api, type ListSummary } from '../api';
import { dataTable, fill, h, notice, section } from '../dom';
import { time } from '../format';
import type { PageContext } from '../page';

function changes(list: ListSummary): HTMLElement {
  if (list.previous_version === null) return h('td', { class: 'small muted' }, 'first import');
  return h(
    'td',
    { class: 'small diff' },
    h('span', { class: 'diff-added' }, `+${list.added.toLocaleString('en-US')} added`),
    ' · ',
    h('span', { class: 'diff-removed' }, `−${list.removed.toLocaleString('en-US')} removed`),
    ' · ',
    h('span', { class: 'diff-changed' }, `${list.changed.toLocaleString('en-US')} changed`),
    h('span', { class: 'muted' }, ` (against v${list.previous_version})`),
  );
}

export async function listsPage(context: PageContext): Promise<void> {
  const { main, signal } = context;
  fill(main, h('p', { class: 'muted' }, 'Loading lists…'));
  const answer = await api.lists();
  if (signal.aborted) return;
  const head = h('div', { class: 'page-head' }, h('h1', null, 'Sanctions lists'));
  if (!answer.lists_dir) {
    fill(
      main,
      head,
      h(
        'div',
        { class: 'panel', id: 'lists-unconfigured' },
        h('h2', null, 'No lists directory configured'),
        h('p', null, 'Name the directory that ', h('code', null, 'nexus lists import --data-dir DIR'), ' writes in the desk config, and restart the desk:'),
        h('pre', null, 'lists: DIR   # in desk.yaml, beside store: and listen:'),
        h('p', { class: 'muted small' }, 'The demo does it for you with scripts/demo.sh --desk --lists DIR.'),
      ),
    );
    return;
  }
  fill(
    main,
    head,
    h('p', { class: 'small', id: 'lists-source' }, 'Imported into ', h('code', null, answer.lists_dir), ' (nexus lists import). The import time is when the snapshot was written.'),
    section(
      'Lists',
      'lists',
      answer.lists.length === 0
        ? notice('info', 'No list imported there yet.')
        : dataTable(
            { id: 'lists-table' },
            ['List', 'Version', 'Publisher’s version', 'Entries', 'Imported', 'Last import changed'],
            answer.lists.map((list) =>
              h(
                'tr',
                { 'data-list': list.list, 'data-version': list.version },
                h('td', { class: 'mono' }, list.list),
                h('td', { class: 'num' }, `v${list.version}`),
                h('td', null, list.source_version || '—'),
                h('td', { class: 'num' }, list.entries.toLocaleString('en-US')),
                h('td', { class: 'small nowrap' }, time(list.imported_ms)),
                changes(list),
              ),
            ),
          ),
    ),
  );
}
