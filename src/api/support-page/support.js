/* eslint max-lines: ["warn", { "max": 400, "skipBlankLines": true, "skipComments": true }] -- one self-contained script: no bundler */
// The support page: dead letters of the employers the signed-in support user serves, through the
// vault API (/v1/support/dead-letters) with the user's own token. Everything shown is set as text
// (never as HTML): a payload is data from an HR system, not markup. Personal data comes back
// redacted from the API; this page never asks to reveal it.
const TOKEN_KEY = 'datakluis.support.token';
const API = '/v1/support/dead-letters';
const PAGE_SIZE = 50;

const $ = (id) => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id}`);
  return element;
};

const state = {
  /** The query of the list shown, without the page cursor. */
  filter: { status: 'OPEN' },
  /** The cursor of the page shown (null: the first page) and of the next one. */
  after: null,
  next: null,
  /** The dead letter open in the detail view. */
  current: null,
};

class ProblemError extends Error {
  constructor(status, problem) {
    super(describeProblem(status, problem));
    this.status = status;
    this.code = problem?.code ?? null;
  }
}

/** What the API said went wrong: its detail, its issues and the correlation id for support. */
function describeProblem(status, problem) {
  if (problem === null || typeof problem !== 'object')
    return `The server answered ${status} without an explanation.`;
  const parts = [typeof problem.detail === 'string' ? problem.detail : `Error ${status}.`];
  if (Array.isArray(problem.issues))
    for (const issue of problem.issues.slice(0, 5)) parts.push(`${issue.path}: ${issue.detail}`);
  if (typeof problem.code === 'string') parts.push(`(${problem.code})`);
  if (typeof problem.correlationId === 'string')
    parts.push(`Correlation id: ${problem.correlationId}`);
  return parts.join(' ');
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

async function api(method, path, body) {
  const headers = { accept: 'application/json', authorization: `Bearer ${token() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  }).catch(() => {
    throw new ProblemError(0, { detail: 'The gateway cannot be reached. Try again shortly.' });
  });
  const payload = await response.json().catch(() => null);
  if (response.status === 401) {
    signOut('Your token was not accepted (unknown, revoked or disabled). Sign in again.');
    throw new ProblemError(401, payload);
  }
  if (!response.ok) throw new ProblemError(response.status, payload);
  return payload;
}

// ---------------------------------------------------------------------------------------------
// Messages

function showError(error, id = 'message') {
  $(id).textContent = error instanceof Error ? error.message : String(error);
  $(id).hidden = false;
}

const announce = (text) => ($('status-line').textContent = text);

/** Runs an action with the page marked busy; a failure becomes the error message. */
async function busy(action) {
  const main = $('main');
  main.setAttribute('aria-busy', 'true');
  $('message').hidden = true;
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ProblemError && error.status === 401)) showError(error);
  } finally {
    main.removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (text only)

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function timeElement(iso) {
  if (iso === null || iso === undefined) return element('span', '—');
  const date = new Date(iso);
  const text = Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
  return element('time', text, { datetime: iso, title: iso });
}

/** A table cell or definition: a node as it is, a value as text ("—" when there is none). */
function cell(content, tag = 'td') {
  const node = document.createElement(tag);
  if (content instanceof Node) node.append(content);
  else node.textContent = content === null || content === undefined ? '—' : String(content);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Sign in / out

function showSignIn() {
  $('sign-in').hidden = false;
  $('workspace').hidden = true;
  $('sign-out').hidden = true;
  $('token').value = '';
  $('token').focus();
}

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.current = null;
  $('detail').hidden = true;
  showSignIn();
  if (reason !== undefined) showError(reason);
}

async function signedIn() {
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  await loadList(null);
}

// ---------------------------------------------------------------------------------------------
// The list

const FILTER_FIELDS = {
  employerId: 'f-employer',
  connectorId: 'f-connector',
  errorCode: 'f-error',
};

function readFilter() {
  const filter = { status: $('f-status').value };
  for (const [name, id] of Object.entries(FILTER_FIELDS))
    if ($(id).value.trim() !== '') filter[name] = $(id).value.trim();
  return filter;
}

function writeFilter(filter) {
  for (const [name, id] of Object.entries(FILTER_FIELDS)) $(id).value = filter[name] ?? '';
  $('f-status').value = filter.status ?? 'OPEN';
}

async function loadList(after) {
  const query = new URLSearchParams({ ...state.filter, limit: String(PAGE_SIZE) });
  if (after !== null) query.set('after', after);
  const page = await api('GET', `${API}?${query.toString()}`);
  state.after = after;
  state.next = page.next;
  renderGroups(page);
  renderList(page.items);
  $('first-page').disabled = after === null;
  $('next-page').disabled = page.next === null;
  announce(
    `${page.total} dead letter${page.total === 1 ? '' : 's'} match; showing ${page.items.length}.`,
  );
}

function renderGroups(page) {
  $('total').textContent = `${page.total} in all.`;
  const list = $('groups');
  list.replaceChildren();
  for (const group of page.groups) {
    const item = document.createElement('li');
    const button = element('button', null, {
      type: 'button',
      class: 'group',
      'data-error-code': group.errorCode,
      'aria-pressed': String(state.filter.errorCode === group.errorCode),
    });
    button.append(
      element('span', group.errorCode, { class: 'code' }),
      element('span', String(group.count), { class: 'count' }),
    );
    button.title = `Show only ${group.errorCode}; oldest failure ${group.oldestFailedAt}`;
    button.addEventListener('click', () => {
      // A second click on the chosen group shows every error code again.
      const { errorCode, ...rest } = state.filter;
      state.filter = errorCode === group.errorCode ? rest : { ...rest, errorCode: group.errorCode };
      writeFilter(state.filter);
      load(null);
    });
    item.append(button);
    list.append(item);
  }
}

function renderList(items) {
  const body = $('list').querySelector('tbody');
  body.replaceChildren();
  for (const item of items) {
    const row = element('tr', null, { 'data-id': item.id, 'data-status': item.status });
    const open = element('button', null, {
      type: 'button',
      class: 'link',
      'aria-label': `Open the ${item.errorCode} dead letter of ${item.lastFailedAt}`,
    });
    open.append(timeElement(item.lastFailedAt));
    open.addEventListener('click', () => void busy(() => openDetail(item.id)));
    row.append(
      cell(open),
      cell(element('code', item.errorCode)),
      cell(item.employerId),
      cell(item.connectorId),
      cell(item.eventType),
      cell(item.attempts),
      cell(item.status + (item.payloadPurged ? ' (payload purged)' : '')),
    );
    body.append(row);
  }
  $('empty').hidden = items.length > 0;
}

// ---------------------------------------------------------------------------------------------
// One dead letter

async function openDetail(id) {
  const detail = await api('GET', `${API}/${encodeURIComponent(id)}`);
  renderDetail(detail);
  $('detail-title').focus();
}

function renderDetail(detail) {
  state.current = detail;
  const section = $('detail');
  section.hidden = false;
  section.dataset.id = detail.id;
  section.dataset.status = detail.status;
  $('detail-title').textContent = `Dead letter ${detail.errorCode} · ${detail.status}`;

  const meta = $('meta');
  meta.replaceChildren();
  const rows = [
    ['Status', detail.status],
    ['Error code', detail.errorCode],
    ['Error message', detail.errorMessage],
    ['Employer', detail.employerId],
    ['Connector', detail.connectorId],
    ['Event type', detail.eventType],
    ['Message id', detail.messageId],
    ['Dead letter id', detail.id],
    ['Original destination', `${detail.originalExchange} → ${detail.originalRoutingKey}`],
    ['Attempts', detail.attempts],
    ['First failure', timeElement(detail.firstFailedAt)],
    ['Last failure', timeElement(detail.lastFailedAt)],
    ['Received', timeElement(detail.receivedAt)],
    ['Replayed', detail.replayCount > 0 ? `${detail.replayCount} time(s)` : 'never'],
  ];
  if (detail.replayedAt !== null)
    rows.push(['Last replay', timeElement(detail.replayedAt)], ['Replayed by', detail.replayedBy]);
  if (detail.discardedAt !== null)
    rows.push(
      ['Discarded', timeElement(detail.discardedAt)],
      ['Discarded by', detail.discardedBy],
      ['Discard reason', detail.discardReason],
    );
  if (detail.editedFrom !== null) rows.push(['Edited copy of', detail.editedFrom]);
  if (detail.copies.length > 0) rows.push(['Edited copies', detail.copies.join(', ')]);
  for (const [term, value] of rows) meta.append(element('dt', term), cell(value, 'dd'));

  const failures = $('failures').querySelector('tbody');
  failures.replaceChildren();
  for (const failure of detail.failures) {
    const row = document.createElement('tr');
    row.append(
      cell(timeElement(failure.at)),
      cell(element('code', failure.code)),
      cell(failure.attempts),
      cell(failure.message),
    );
    failures.append(row);
  }

  renderPayload(detail.payload);
  const open = detail.status === 'OPEN';
  $('replay').disabled = !open || detail.payloadPurged;
  $('discard').disabled = !open;
}

function renderPayload(payload) {
  const canonical = payload.kind === 'canonical';
  $('payload').textContent = canonical ? JSON.stringify(payload.event, null, 2) : '';
  $('payload').hidden = !canonical;
  if (canonical)
    $('payload-note').textContent = payload.redacted
      ? 'The canonical event. Personal data is replaced by "[redacted]".'
      : 'The canonical event, unredacted.';
  else if (payload.kind === 'raw')
    $('payload-note').textContent =
      `The message never became a canonical event: ${payload.bytes} bytes of ` +
      `${payload.contentType ?? 'unknown type'}. Its content is not shown: it may hold personal data.`;
  else if (payload.kind === 'purged')
    $('payload-note').textContent =
      `The payload was purged on ${payload.purgedAt} (retention period); only the metadata is kept.`;
  else $('payload-note').textContent = 'This payload cannot be shown.';
}

function closeDetail() {
  state.current = null;
  $('detail').hidden = true;
  $('list').querySelector('button')?.focus();
}

async function replayCurrent() {
  const current = state.current;
  if (current === null) return;
  const detail = await api('POST', `${API}/${encodeURIComponent(current.id)}/replay`);
  renderDetail(detail);
  announce(`Replayed: the message went back to ${detail.originalRoutingKey}.`);
  await loadList(state.after);
}

// ---------------------------------------------------------------------------------------------
// Discard, with a reason

function openDiscardDialog() {
  if (state.current === null) return;
  $('discard-reason').value = '';
  $('discard-error').hidden = true;
  $('discard-dialog').showModal();
  $('discard-reason').focus();
}

async function confirmDiscard() {
  const current = state.current;
  const reasonField = $('discard-reason');
  const reason = reasonField.value.trim();
  if (reason.length < 5 || reason.length > 500) {
    showError('Give a reason of 5 to 500 characters.', 'discard-error');
    reasonField.focus();
    return;
  }
  if (current === null) return;
  try {
    const detail = await api('POST', `${API}/${encodeURIComponent(current.id)}/discard`, {
      reason,
    });
    $('discard-dialog').close();
    renderDetail(detail);
    announce('Discarded.');
    await loadList(state.after);
  } catch (failure) {
    if (failure instanceof ProblemError && failure.status === 401) {
      $('discard-dialog').close();
      return;
    }
    showError(failure, 'discard-error');
  }
}

// ---------------------------------------------------------------------------------------------

/** Shows the list from the first page (after: null) or from a cursor. */
const load = (after) => void busy(() => loadList(after));
const on = (id, type, handler) => $(id).addEventListener(type, handler);

function start() {
  on('sign-in-form', 'submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    if (value === '') {
      showError('Enter your API token.');
      $('token').focus();
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    void busy(signedIn);
  });
  on('sign-out', 'click', () => {
    signOut();
    announce('Signed out.');
  });
  on('filters', 'submit', (event) => {
    event.preventDefault();
    state.filter = readFilter();
    load(null);
  });
  on('clear-filters', 'click', () => {
    state.filter = { status: 'OPEN' };
    writeFilter(state.filter);
    load(null);
  });
  on('first-page', 'click', () => load(null));
  on('next-page', 'click', () => state.next !== null && load(state.next));
  on('replay', 'click', () => void busy(replayCurrent));
  on('discard', 'click', openDiscardDialog);
  on('close-detail', 'click', closeDetail);
  on('discard-form', 'submit', (event) => {
    event.preventDefault();
    void confirmDiscard();
  });
  on('discard-cancel', 'click', () => $('discard-dialog').close());

  if (token() === null) showSignIn();
  else void busy(signedIn);
}

start();
