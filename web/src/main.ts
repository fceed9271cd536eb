// The dashboard shell: pack choice, login, hash routes, and the live snapshot stream.
import './style.css';
import { get, login, logout, session, type PackSummary, type Snapshot } from './api';
import { devicePage } from './device_page';
import type { AlarmInfo } from './format';
import { cellsPage, controlPage, eventsPage, historyPage, settingsPage, statusPage, updateAge, type App } from './pages';

const view = document.getElementById('view') as HTMLElement;
const packSelect = document.getElementById('pack-select') as HTMLSelectElement;
const loginForm = document.getElementById('login-form') as HTMLFormElement;
const password = document.getElementById('login-password') as HTMLInputElement;
const loginState = document.getElementById('login-state') as HTMLElement;
const logoutButton = document.getElementById('logout') as HTMLButtonElement;
const linkState = document.getElementById('link-state') as HTMLElement;

const app: App = { pack: '', parallel: false, loggedIn: false, alarms: [], snapshots: {} };

// Pages that follow every snapshot; the others load once when opened.
const live: Record<string, (a: App, v: HTMLElement) => void> = { status: statusPage, cells: cellsPage };
const loaded: Record<string, (a: App, v: HTMLElement) => Promise<void>> = {
  settings: settingsPage,
  control: (a, v) => controlPage(a, v, render),
  history: (a, v) => historyPage(a, v),
  events: eventsPage,
  device: (a, v) => devicePage(a.pack, a.loggedIn, v),
};

function route(): string {
  const name = location.hash.replace(/^#\//, '');
  return name in live || name in loaded ? name : 'status';
}

function render(): void {
  const name = route();
  document.querySelectorAll('#nav a').forEach((a) =>
    a.classList.toggle('active', a.getAttribute('href') === `#/${name}`));
  if (name in live) return live[name](app, view);
  loaded[name](app, view).catch((e: Error) => view.replaceChildren(`Could not load: ${e.message}`));
}

function showSession(): void {
  loginState.textContent = app.loggedIn ? 'Logged in' : '';
  password.hidden = app.loggedIn;
  (document.getElementById('login-submit') as HTMLButtonElement).hidden = app.loggedIn;
  logoutButton.hidden = !app.loggedIn;
}

loginForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    await login(password.value);
    app.loggedIn = true;
    password.value = '';
  } catch (e) {
    loginState.textContent = (e as Error).message;
  }
  showSession();
  render();
});

logoutButton.addEventListener('click', async () => {
  await logout();
  app.loggedIn = false;
  showSession();
  render();
});

packSelect.addEventListener('change', () => {
  app.pack = packSelect.value;
  render();
});

function connectStream(): void {
  const stream = new EventSource('/api/stream');
  stream.onopen = () => (linkState.textContent = '');
  stream.onerror = () => {
    linkState.textContent = 'Connection to softbms lost, retrying…';
    app.linkUp = false;
    updateAge(app);
  };
  stream.onmessage = (ev) => {
    const data = JSON.parse(ev.data) as { time: number; packs: Record<string, Snapshot>; aggregate?: Record<string, unknown> };
    app.snapshots = data.packs;
    app.aggregate = data.aggregate;
    app.dataTime = data.time;
    app.receivedAt = Date.now() / 1000;
    app.linkUp = true;
    if (route() in live) render();
  };
}

async function start(): Promise<void> {
  const s = await session();
  app.loggedIn = s.logged_in;
  showSession();
  if (!s.open_reads && !s.logged_in) {
    view.replaceChildren('Log in with the settings password to see the packs.');
    return;
  }
  const [packs, alarms] = await Promise.all([
    get<{ packs: PackSummary[]; parallel: boolean }>('/api/packs'),
    get<AlarmInfo[]>('/api/alarms'),
  ]);
  app.alarms = alarms;
  app.packs = packs.packs;
  app.parallel = packs.parallel && packs.packs.length > 1;
  packSelect.replaceChildren(...packs.packs.map((p) => {
    const o = document.createElement('option');
    o.value = p.id;
    o.textContent = `${p.name} (${p.model}, ${p.cell_count}S ${p.chemistry})`;
    return o;
  }));
  app.pack = packs.packs[0]?.id ?? '';
  window.addEventListener('hashchange', render);
  render();
  connectStream();
  setInterval(() => updateAge(app), 1000);
}

start().catch((e: Error) => view.replaceChildren(`softbms is not answering: ${e.message}`));
