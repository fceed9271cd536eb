// The dashboard's pages. Each renders into the main element from the app state; the status
// and cells pages render again on every streamed snapshot.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ApiError, get, post, put, type ParamInfo, type Snapshot } from './api';
import { h, field } from './dom';
import {
  alarmWords,
  balanceText,
  cellViews,
  changedFields,
  currentDirection,
  formatDuration,
  formatTime,
  formatValue,
  type AlarmInfo,
} from './format';

export interface App {
  pack: string;
  parallel: boolean;
  loggedIn: boolean;
  alarms: AlarmInfo[];
  snapshots: Record<string, Snapshot>;
  aggregate?: Record<string, unknown>;
}

const fet = (on: boolean) => (on ? 'on' : 'off');

function alarmList(app: App, names: string[]): HTMLElement {
  const words = alarmWords(names, app.alarms);
  if (words.length === 0) return h('p', { id: 'alarms', class: 'ok' }, 'No alarms');
  return h('ul', { id: 'alarms', class: 'alarms' }, ...words.map((w) => h('li', {}, w)));
}

export function statusPage(app: App, view: HTMLElement): void {
  const s = app.snapshots[app.pack];
  view.replaceChildren();
  if (!s) return void view.append(h('p', {}, 'Waiting for data…'));
  const temps = Object.entries(s.temperatures).filter(([, v]) => v !== null);
  view.append(
    h('section', { class: 'card big' },
      field('Voltage', formatValue(s.voltage, 2, 'V'), 'pack-voltage'),
      field('Current', `${formatValue(s.current, 2, 'A')} (${currentDirection(s.current)})`, 'pack-current'),
      field('Power', formatValue(s.power, 1, 'W'), 'pack-power'),
      field('Remaining', `${s.soc} %`, 'pack-soc')),
    h('section', { class: 'card' },
      field('Run time', formatDuration(s.runtime_s), 'pack-runtime'),
      field('Charge MOS', fet(s.charge_fet), 'pack-charge-fet'),
      field('Discharge MOS', fet(s.discharge_fet), 'pack-discharge-fet'),
      field('Balancing', balanceText(s.balancing, s.balance_current), 'pack-balancing'),
      field('Remaining capacity', formatValue(s.remaining_ah, 1, 'Ah')),
      field('Full capacity', formatValue(s.full_capacity_ah, 1, 'Ah')),
      field('Cycles', String(s.cycles), 'pack-cycles'),
      field('Cycle capacity', formatValue(s.cycle_capacity_ah, 1, 'Ah')),
      field('Average cell', formatValue(s.cell_avg, 3, 'V'), 'pack-cell-avg'),
      field('Cell difference', formatValue(s.cell_delta, 3, 'V'), 'pack-cell-delta'),
      field('Balance current', formatValue(s.balance_current, 2, 'A')),
      ...temps.map(([k, v]) => field(k === 'mos' ? 'MOS temperature' : `Battery ${k.toUpperCase()}`, formatValue(v, 1, '°C'))),
      field('Heater', fet(s.heater)),
      field('Emergency', s.emergency_remaining_s > 0 ? formatDuration(s.emergency_remaining_s) : 'off')),
    h('section', { class: 'card' }, h('h3', {}, 'Alarms'), alarmList(app, s.alarms)),
  );
  if (app.parallel && app.aggregate) view.append(bankCard(app.aggregate));
  // A slave the master no longer hears keeps its last values: say so above them.
  const missing = (app.aggregate?.missing as string[] | undefined) ?? [];
  if (missing.includes(app.pack))
    view.prepend(h('p', { id: 'pack-offline', class: 'alarm' }, 'This pack does not answer the master: the values are the last it sent.'));
}

function bankCard(a: Record<string, unknown>): HTMLElement {
  const num = (k: string) => Number(a[k] ?? 0);
  const cell = (k: string) => a[k] as { voltage: number; pack: string; cell: number } | null;
  const lo = cell('cell_min');
  const hi = cell('cell_max');
  return h('section', { class: 'card', id: 'bank' }, h('h3', {}, `Bank of ${num('packs')} packs`),
    field('Voltage', formatValue(num('voltage'), 2, 'V')),
    field('Current', formatValue(num('current'), 2, 'A')),
    field('Power', formatValue(num('power'), 1, 'W')),
    field('SOC', formatValue(num('soc'), 1, '%')),
    field('Remaining', formatValue(num('remaining_ah'), 1, 'Ah')),
    field('Lowest cell', lo ? `${formatValue(lo.voltage, 3, 'V')} (pack ${lo.pack}, cell ${lo.cell})` : '—'),
    field('Highest cell', hi ? `${formatValue(hi.voltage, 3, 'V')} (pack ${hi.pack}, cell ${hi.cell})` : '—'),
    field('Cell difference', formatValue(num('cell_delta'), 3, 'V')),
    ...('online' in a ? [field('Packs online', `${num('online')} of ${num('packs_total')}`, 'bank-online')] : []),
    ...(Array.isArray(a.missing) && a.missing.length > 0
      ? [field('Not answering', (a.missing as string[]).map((p) => `pack ${p}`).join(', '), 'bank-missing')]
      : []));
}

export function cellsPage(app: App, view: HTMLElement): void {
  const s = app.snapshots[app.pack];
  view.replaceChildren();
  if (!s) return;
  const cells = cellViews(s.cells, s.cell_min_index, s.cell_max_index, s.balance_source, s.balance_sink);
  const lo = Math.min(...cells.map((c) => c.voltage)) - 0.02;
  const hi = Math.max(...cells.map((c) => c.voltage)) + 0.005;
  const arrow = { discharging: '▼ discharging', charging: '▲ charging', '': '' };
  view.append(
    h('p', {}, `Average ${formatValue(s.cell_avg, 3, 'V')}, difference ${formatValue(s.cell_delta, 3, 'V')}, balancer ${balanceText(s.balancing, s.balance_current)}`),
    h('table', { class: 'cells', id: 'cells' },
      h('tr', {}, h('th', {}, 'Cell'), h('th', {}, 'Voltage'), h('th', {}, ''), h('th', {}, 'Balancing'), h('th', {}, 'Wire resistance')),
      ...cells.map((c, i) => {
        const wire = s.cells[i];
        const width = Math.max(2, Math.min(100, ((c.voltage - lo) / (hi - lo)) * 100));
        return h('tr', { class: c.mark ? `cell-${c.mark}` : '', id: `cell-${c.index}` },
          h('td', {}, String(c.index)),
          h('td', {}, `${formatValue(c.voltage, 3, 'V')}${c.mark ? ` (${c.mark})` : ''}`),
          h('td', { class: 'bar' }, h('div', { style: `width:${width.toFixed(0)}%` })),
          h('td', { class: c.balance }, arrow[c.balance]),
          h('td', { class: wire.wire_alarm ? 'alarm' : '' },
            `${formatValue(wire.wire_resistance_ohm * 1000, 0, 'mΩ')}${wire.wire_alarm ? ' — too high' : ''}`));
      })));
}

function showFieldError(form: HTMLElement, name: string, message: string): void {
  const input = form.querySelector<HTMLInputElement>(`[name="${CSS.escape(name)}"]`);
  const target = input?.closest('.param') ?? form;
  target.classList.add('invalid');
  target.append(h('div', { class: 'error', role: 'alert' }, message));
  input?.focus();
}

function paramInput(p: ParamInfo, value: number): HTMLElement {
  const isFlag = p.unit === '' && p.min === 0 && p.max === 1;
  const input = isFlag
    ? h('select', { name: p.name, id: `param-${p.name}` },
        h('option', { value: '0', selected: value === 0 }, p.description.startsWith('0 =') ? '0' : 'off'),
        h('option', { value: '1', selected: value === 1 }, p.description.startsWith('0 =') ? '1' : 'on'))
    : h('input', { name: p.name, id: `param-${p.name}`, type: 'number', step: 'any', min: p.min, max: p.max, value });
  return h('div', { class: 'param' },
    h('label', { for: `param-${p.name}` }, p.name),
    input,
    h('span', { class: 'unit' }, p.unit),
    h('small', {}, `${p.description} (${p.min} to ${p.max}${p.unit ? ' ' + p.unit : ''})`));
}

export async function settingsPage(app: App, view: HTMLElement): Promise<void> {
  const [params, values] = await Promise.all([
    get<ParamInfo[]>(`/api/params?pack=${app.pack}`),
    get<Record<string, number>>(`/api/packs/${app.pack}/settings`),
  ]);
  const editable = params.filter((p) => !p.switch && !p.read_only);
  const status = h('p', { id: 'settings-status' });
  const form = h('form', { id: 'settings-form' }, ...editable.map((p) => paramInput(p, values[p.name])));
  const presets = ['li-ion', 'lfp', 'lto'].map((c) =>
    h('button', { type: 'button', class: 'preset', id: `preset-${c}` }, `Fill ${c} defaults`));
  presets.forEach((b, i) => b.addEventListener('click', () => {
    const chem = ['li-ion', 'lfp', 'lto'][i];
    for (const p of editable) {
      const el = form.querySelector<HTMLInputElement>(`[name="${p.name}"]`);
      if (el && p.defaults[chem] !== undefined) el.value = String(p.defaults[chem]);
    }
    status.textContent = `Filled with the ${chem} defaults: review and save.`;
  }));
  const save = h('button', { type: 'submit', id: 'save-settings', form: 'settings-form', disabled: !app.loggedIn }, 'Save');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.querySelectorAll('.error').forEach((e) => e.remove());
    form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
    const entries: Record<string, string> = {};
    for (const el of form.querySelectorAll<HTMLInputElement>('[name]')) entries[el.name] = el.value;
    const changes = changedFields(entries, values);
    if (Object.keys(changes).length === 0) return void (status.textContent = 'Nothing changed.');
    try {
      const r = await put<{ applied: string[]; settings: Record<string, number> }>(`/api/packs/${app.pack}/settings`, changes);
      Object.assign(values, r.settings);
      status.textContent = `Saved: ${r.applied.join(', ')}`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        showFieldError(form, String(e.body.field ?? ''), e.message);
        status.textContent = 'Not saved: nothing was changed.';
      } else {
        status.textContent = `Not saved: ${(e as Error).message}`;
      }
    }
  });
  view.replaceChildren(
    h('p', {}, app.loggedIn ? 'Change values and save. Values are checked as a whole; a refused save changes nothing.'
                            : 'Log in with the settings password to change settings.'),
    h('div', { class: 'presets' }, ...presets), form, h('div', { class: 'actions' }, save), status);
}

// The outcome of the last control action. The page is rebuilt after every action (to show the
// new switch states), so the message lives here rather than in the element it is shown in.
let controlMessage = '';

export async function controlPage(app: App, view: HTMLElement, refresh: () => void): Promise<void> {
  const values = await get<Record<string, number>>(`/api/packs/${app.pack}/settings`);
  const status = h('p', { id: 'control-status' }, controlMessage);
  const act = async (path: string, body: unknown, done: string) => {
    try {
      await post(`/api/packs/${app.pack}/${path}`, body);
      controlMessage = done;
      status.textContent = done;
      refresh();
    } catch (e) {
      controlMessage = `Refused: ${(e as Error).message}`;
      status.textContent = controlMessage;
    }
  };
  const switches = (['charge', 'discharge', 'balance', 'heating'] as const).map((name) => {
    const on = values[`${name}_enabled`] === 1;
    const b = h('button', { id: `switch-${name}`, class: on ? 'on' : 'off', 'aria-pressed': String(on), disabled: !app.loggedIn },
      `${name}: ${on ? 'on' : 'off'}`);
    b.addEventListener('click', () => act('switch', { name, on: !on }, `${name} switched ${on ? 'off' : 'on'}`));
    return b;
  });
  const s = app.snapshots[app.pack];
  const emergencyOn = (s?.emergency_remaining_s ?? 0) > 0;
  const emergency = h('button', { id: 'emergency', disabled: !app.loggedIn }, emergencyOn ? 'Stop emergency' : 'Start emergency');
  emergency.addEventListener('click', () => act('emergency', { on: !emergencyOn }, emergencyOn ? 'Emergency stopped' : 'Emergency started'));
  const chemistry = h('select', { id: 'reset-chemistry' }, ...['lfp', 'li-ion', 'lto'].map((c) => h('option', { value: c }, c)));
  const confirm = h('input', { type: 'checkbox', id: 'confirm-reset' }) as HTMLInputElement;
  const reset = h('button', { id: 'factory-reset', disabled: true }, 'Factory reset') as HTMLButtonElement;
  confirm.addEventListener('change', () => (reset.disabled = !confirm.checked || !app.loggedIn));
  reset.addEventListener('click', () =>
    act('factory-reset', { chemistry: (chemistry as HTMLSelectElement).value, confirm: true }, 'Settings reset to the preset'));
  view.replaceChildren(
    h('section', { class: 'card' }, h('h3', {}, 'Switches'), ...switches),
    h('section', { class: 'card' }, h('h3', {}, 'Emergency'),
      h('p', {}, 'Keeps both MOSFETs on for the emergency time, whatever the protections say.'), emergency),
    h('section', { class: 'card' }, h('h3', {}, 'Factory reset'),
      h('p', {}, 'Loads the chemistry preset; cell count, capacity and calibration stay.'),
      chemistry, h('label', {}, confirm, ' I want to reset every setting'), reset),
    status);
}

const charts: uPlot[] = [];

export async function historyPage(app: App, view: HTMLElement, hours = 1): Promise<void> {
  const to = Math.floor(Date.now() / 1000);
  const data = await get<Record<string, unknown>>(`/api/packs/${app.pack}/history?from=${to - hours * 3600}&to=${to}&points=1500`);
  charts.splice(0).forEach((c) => c.destroy());
  const ranges = [1, 6, 24].map((n) => {
    const b = h('button', { type: 'button', class: n === hours ? 'on' : '' }, `${n} h`);
    b.addEventListener('click', () => void historyPage(app, view, n));
    return b;
  });
  view.replaceChildren(h('div', { class: 'presets' }, ...ranges));
  const groups: [string, string[]][] = [
    ['Voltage (V)', ['voltage']], ['Current (A)', ['current']], ['SOC (%)', ['soc']],
    ['Cell spread (V)', ['cell_delta']], ['Temperatures (°C)', ['temp_mos', 'temp_battery_min', 'temp_battery_max']],
  ];
  const colours = ['#2563eb', '#dc2626', '#16a34a'];
  const width = Math.min(view.clientWidth || 900, 1100);
  for (const [title, names] of groups) {
    const box = h('div', { class: 'chart', id: `chart-${names[0]}` });
    view.append(box);
    const series = [{}, ...names.map((n, i) => ({ label: n, stroke: colours[i % colours.length], spanGaps: false }))];
    const columns = [data.t, ...names.map((n) => data[n])] as uPlot.AlignedData;
    charts.push(new uPlot({ title, width, height: 220, series }, columns, box));
  }
}

export async function eventsPage(app: App, view: HTMLElement): Promise<void> {
  type Ev = { time: number; text: string; subject: string; origin: string; value: number };
  type Wr = { time: number; who: string; action: string; result: string };
  const r = await get<{ events: Ev[]; writes: Wr[] }>(`/api/packs/${app.pack}/events`);
  view.replaceChildren(
    h('h3', {}, 'Board event log'),
    h('table', { id: 'events' }, h('tr', {}, ...['Time', 'Event', 'Subject', 'By', 'Value'].map((t) => h('th', {}, t))),
      ...r.events.map((e) => h('tr', {}, h('td', {}, formatTime(e.time)), h('td', {}, e.text), h('td', {}, e.subject),
        h('td', {}, e.origin), h('td', {}, String(e.value))))),
    h('h3', {}, 'Changes made through this dashboard'),
    h('table', { id: 'writes' }, h('tr', {}, ...['Time', 'Who', 'What', 'Result'].map((t) => h('th', {}, t))),
      ...r.writes.map((w) => h('tr', {}, h('td', {}, formatTime(w.time)), h('td', {}, w.who), h('td', {}, w.action),
        h('td', {}, w.result)))));
}
