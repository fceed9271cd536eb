// The dashboard's pages. Each renders into the main element from the app state; the status
// and cells pages render again on every streamed snapshot.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ApiError, get, post, put, type PackSummary, type ParamInfo, type Snapshot } from './api';
import { h, field } from './dom';
import {
  alarmWords,
  balanceText,
  cellViews,
  changedFields,
  currentDirection,
  formatDuration,
  formatValue,
  freshness,
  historyCsv,
  localTime,
  socWithDoubt,
  timeAxisLabels,
  type AlarmInfo,
} from './format';
import { calibrationCard } from './device_page';
import { displayUnit, fromDisplay, groupParams, paramLabel, rangeText, readOnlyWhy, toDisplay } from './settings_view';

export interface App {
  pack: string;
  parallel: boolean;
  loggedIn: boolean;
  alarms: AlarmInfo[];
  snapshots: Record<string, Snapshot>;
  aggregate?: Record<string, unknown>;
  packs?: PackSummary[];
  dataTime?: number; // Unix s of the last streamed snapshot (the server's clock)
  receivedAt?: number; // Unix s when the browser received it (the browser's clock)
  linkUp?: boolean; // the stream to softbms is open
}

const fet = (on: boolean) => (on ? 'on' : 'off');

function alarmList(app: App, names: string[]): HTMLElement {
  const words = alarmWords(names, app.alarms);
  if (words.length === 0) return h('p', { id: 'alarms', class: 'ok' }, 'No alarms');
  return h('ul', { id: 'alarms', class: 'alarms' }, ...words.map((w) => h('li', {}, w)));
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

// SOC as a ring, the way the JK app shows it: the arc is the charge, the number and "SOC" inside.
function socGauge(soc: number): HTMLElement {
  const r = 52;
  const length = 2 * Math.PI * r;
  const filled = (Math.max(0, Math.min(100, soc)) / 100) * length;
  const colour = soc <= 10 ? '#dc2626' : soc <= 25 ? '#f59e0b' : '#16a34a';
  const ring = svg('svg', { viewBox: '0 0 120 120', width: 120, height: 120, role: 'img', 'aria-label': `SOC ${soc} %` });
  ring.append(
    svg('circle', { cx: 60, cy: 60, r, fill: 'none', stroke: '#e5e7eb', 'stroke-width': 12 }),
    svg('circle', { cx: 60, cy: 60, r, fill: 'none', stroke: colour, 'stroke-width': 12, 'stroke-linecap': 'round',
      'stroke-dasharray': `${filled.toFixed(1)} ${length.toFixed(1)}`, transform: 'rotate(-90 60 60)' }));
  return h('div', { class: 'gauge', id: 'soc-gauge' }, ring,
    h('div', { class: 'gauge-text' }, h('span', { id: 'pack-soc', class: 'gauge-value' }, `${soc} %`), h('span', { class: 'label' }, 'SOC')));
}

function fetField(label: string, on: boolean, id: string): HTMLElement {
  const f = field(label, fet(on), id);
  f.classList.add('fet', on ? 'fet-on' : 'fet-off');
  return f;
}

/** The age of the values shown (format.ts, freshness), redrawn every second. */
export function updateAge(app: App): void {
  const el = document.getElementById('data-age');
  if (!el || app.dataTime === undefined || app.receivedAt === undefined) return;
  const f = freshness({
    link: app.snapshots[app.pack]?.link, dataTime: app.dataTime,
    sinceReceived: Date.now() / 1000 - app.receivedAt, streamUp: app.linkUp !== false });
  el.textContent = f.text;
  el.classList.toggle('stale', f.stale);
}

export function statusPage(app: App, view: HTMLElement): void {
  const s = app.snapshots[app.pack];
  view.replaceChildren();
  if (!s) return void view.append(h('p', {}, 'Waiting for data…'));
  const temps = Object.entries(s.temperatures).filter(([, v]) => v !== null);
  const alarmText = alarmWords(s.alarms, app.alarms);
  if (alarmText.length > 0)
    view.append(h('div', { id: 'alarm-banner', class: 'banner', role: 'alert' }, `Alarm: ${alarmText.join(', ')}`));
  view.append(
    h('section', { class: 'card glance' },
      socGauge(s.soc),
      h('div', { class: 'glance-values' },
        field('Voltage', formatValue(s.voltage, 2, 'V'), 'pack-voltage'),
        field('Current', `${formatValue(s.current, 2, 'A')} (${currentDirection(s.current)})`, 'pack-current'),
        field('Power', formatValue(s.power, 1, 'W'), 'pack-power'),
        field('Lowest cell', `${formatValue(s.cell_min, 3, 'V')} · cell ${s.cell_min_index}`, 'pack-cell-min'),
        field('Highest cell', `${formatValue(s.cell_max, 3, 'V')} · cell ${s.cell_max_index}`, 'pack-cell-max'),
        field('Cell difference', formatValue(s.cell_delta, 3, 'V'), 'pack-cell-delta')),
      h('div', { class: 'glance-fets' },
        fetField('Charge MOS', s.charge_fet, 'pack-charge-fet'),
        fetField('Discharge MOS', s.discharge_fet, 'pack-discharge-fet'),
        field('Balancing', balanceText(s.balancing, s.balance_current), 'pack-balancing')),
      h('p', { id: 'data-age', class: 'age' })),
    h('section', { class: 'card' },
      field('Run time', formatDuration(s.runtime_s), 'pack-runtime'),
      field('Remaining capacity', formatValue(s.remaining_ah, 1, 'Ah')),
      field('Full capacity', formatValue(s.full_capacity_ah, 1, 'Ah')),
      field('Cycles', String(s.cycles), 'pack-cycles'),
      field('Cycle capacity', formatValue(s.cycle_capacity_ah, 1, 'Ah')),
      field('Average cell', formatValue(s.cell_avg, 3, 'V'), 'pack-cell-avg'),
      field('Balance current', formatValue(s.balance_current, 2, 'A')),
      ...temps.map(([k, v]) => field(k === 'mos' ? 'MOS temperature' : `Battery ${k.toUpperCase()}`, formatValue(v, 1, '°C'))),
      field('Heater', fet(s.heater)),
      field('Emergency', s.emergency_remaining_s > 0 ? formatDuration(s.emergency_remaining_s) : 'off')),
    // A real board (softbms monitor) has no softbms estimator: it reports no learned capacity.
    ...(s.model_capacity_ah > 0 ? [estimatorCard(s)] : []),
    h('section', { class: 'card' }, h('h3', {}, 'Alarms'), alarmList(app, s.alarms)),
  );
  if (app.parallel && app.aggregate) view.append(bankCard(app.aggregate));
  // A slave the master no longer hears keeps its last values: say so above them.
  const missing = (app.aggregate?.missing as string[] | undefined) ?? [];
  if (missing.includes(app.pack))
    view.prepend(h('p', { id: 'pack-offline', class: 'banner' }, 'This pack does not answer the master: the values are the last it sent.'));
  updateAge(app);
}

// What the SOC estimator knows beside the SOC shown (docs/estimation.md).
function estimatorCard(s: Snapshot): HTMLElement {
  const permille = (v: number | undefined) => (v === undefined ? '—' : formatValue(v / 10, 1, '%'));
  return h('section', { class: 'card', id: 'estimator' }, h('h3', {}, 'Estimator'),
    field('SOC shown from', s.soc_method === 'model' ? 'model estimator' : 'coulomb counter', 'pack-soc-method'),
    field('Coulomb counter SOC', permille(s.soc_coulomb_permille), 'pack-soc-coulomb'),
    field('Model SOC', socWithDoubt(s.soc_model_permille, s.soc_model_sigma_permille), 'pack-soc-model'),
    field('Learned resistance', formatValue(s.model_resistance_mohm, 1, 'mΩ'), 'pack-model-resistance'),
    field('Learned capacity', formatValue(s.model_capacity_ah, 1, 'Ah'), 'pack-model-capacity'),
    field('SOH', formatValue(s.soh, 0, '%'), 'pack-soh'),
    ...(s.model_soh !== undefined ? [field('Model SOH', formatValue(s.model_soh, 1, '%'), 'pack-model-soh')] : []));
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
  const arrow = { discharging: '▼', charging: '▲', '': '' };
  view.append(
    h('p', {}, `Average ${formatValue(s.cell_avg, 3, 'V')}, difference ${formatValue(s.cell_delta, 3, 'V')}, balancer ${balanceText(s.balancing, s.balance_current)}`),
    h('div', { class: 'cells', id: 'cells' },
      ...cells.map((c, i) => {
        const wire = s.cells[i];
        const width = Math.max(2, Math.min(100, ((c.voltage - lo) / (hi - lo)) * 100));
        return h('div', { class: `cell${c.mark ? ` cell-${c.mark}` : ''}`, id: `cell-${c.index}` },
          h('span', { class: 'cell-index' }, String(c.index)),
          h('span', { class: 'cell-voltage' }, formatValue(c.voltage, 3, 'V')),
          h('span', { class: 'bar', title: c.mark }, h('span', { style: `width:${width.toFixed(0)}%` }),
            h('span', { class: 'bar-mark' }, c.mark)),
          h('span', { class: `cell-balance ${c.balance}`, title: c.balance ? `balancer ${c.balance} this cell` : '' }, arrow[c.balance]),
          h('span', { class: `cell-wire${wire.wire_alarm ? ' alarm' : ''}`, title: 'balance wire resistance' },
            `${formatValue(wire.wire_resistance_ohm * 1000, 0, 'mΩ')}${wire.wire_alarm ? ' too high' : ''}`));
      })),
    h('p', { class: 'label' }, '▼ the balancer discharges this cell, ▲ it charges it; mΩ: balance wire resistance.'));
}

function showFieldError(form: HTMLElement, name: string, message: string): void {
  const input = form.querySelector<HTMLInputElement>(`[name="${CSS.escape(name)}"]`);
  const target = input?.closest('.param') ?? form;
  target.classList.add('invalid');
  target.append(h('div', { class: 'error', role: 'alert' }, message));
  input?.focus();
}

function paramInput(p: ParamInfo, value: number): HTMLElement {
  const { label } = paramLabel(p.name);
  const isFlag = p.unit === '' && p.min === 0 && p.max === 1;
  const id = `param-${p.name}`;
  const input = p.read_only
    ? h('output', { id, class: 'readonly' }, toDisplay(p, value))
    : isFlag
      ? h('select', { name: p.name, id },
          h('option', { value: '0', selected: value === 0 }, p.description.startsWith('0 =') ? '0' : 'off'),
          h('option', { value: '1', selected: value === 1 }, p.description.startsWith('0 =') ? '1' : 'on'))
      : h('input', { name: p.name, id, type: 'text', inputmode: 'decimal', value: toDisplay(p, value) });
  const note = p.read_only ? ` (${readOnlyWhy(p.name)})` : isFlag ? '' : ` · ${rangeText(p)}`;
  return h('div', { class: 'param' },
    h('label', { for: id }, h('span', { class: 'plabel' }, label), h('small', { class: 'pname' }, p.name)),
    h('span', { class: 'pinput' }, input, h('span', { class: 'unit' }, displayUnit(p))),
    h('small', { class: 'desc' }, `${p.description}${note}`));
}

export async function settingsPage(app: App, view: HTMLElement): Promise<void> {
  const [params, values] = await Promise.all([
    get<ParamInfo[]>(`/api/params?pack=${app.pack}`),
    get<Record<string, number>>(`/api/packs/${app.pack}/settings`),
  ]);
  const shown = params.filter((p) => !p.switch);
  const editable = shown.filter((p) => !p.read_only);
  const byName = new Map(editable.map((p) => [p.name, p]));
  const status = h('p', { id: 'settings-status' });
  const form = h('form', { id: 'settings-form' },
    ...groupParams(shown).map((g) => h('fieldset', { class: 'card group', id: `group-${g.group.toLowerCase().replace(/[^a-z]+/g, '-')}` },
      h('legend', {}, g.group), ...g.params.map((p) => paramInput(p, values[p.name])))));
  const presets = ['li-ion', 'lfp', 'lto'].map((c) =>
    h('button', { type: 'button', class: 'preset', id: `preset-${c}` }, `Fill ${c} defaults`));
  presets.forEach((b, i) => b.addEventListener('click', () => {
    const chem = ['li-ion', 'lfp', 'lto'][i];
    for (const p of editable) {
      const el = form.querySelector<HTMLInputElement>(`[name="${p.name}"]`);
      if (el && p.defaults[chem] !== undefined) el.value = toDisplay(p, p.defaults[chem]);
    }
    status.textContent = `Filled with the ${chem} defaults: review and save.`;
  }));
  const save = h('button', { type: 'submit', id: 'save-settings', form: 'settings-form', disabled: !app.loggedIn }, 'Save');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.querySelectorAll('.error').forEach((e) => e.remove());
    form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
    const entries: Record<string, string> = {};
    for (const el of form.querySelectorAll<HTMLInputElement>('[name]')) {
      const p = byName.get(el.name);
      if (!p) continue;
      const v = fromDisplay(p, el.value);
      if ('error' in v) {
        showFieldError(form, p.name, v.error);
        return void (status.textContent = 'Not saved: nothing was changed.');
      }
      entries[el.name] = String(v.value);
    }
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
  const model = app.packs?.find((p) => p.id === app.pack)?.model;
  view.replaceChildren(
    h('p', {}, app.loggedIn ? 'Change values and save. Values are checked as a whole; a refused save changes nothing.'
                            : 'Log in with the settings password to change settings.'),
    h('p', { class: 'label' }, `Ranges are those of ${model ?? 'this board'}; voltages in V, currents in A as in the JK app.`),
    h('div', { class: 'presets' }, ...presets), calibrationCard(app.pack, app.loggedIn), form,
    h('div', { class: 'actions sticky' }, save, status));
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

// The history charts: readable names with units, one chart per quantity.
interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  series: [name: string, label: string][];
  scale?: number; // shown value = API value x scale
  band?: boolean; // fill between the two series (lowest and highest cell)
}
const CHARTS: ChartSpec[] = [
  { id: 'power', title: 'Power', unit: 'W', series: [['power', 'Power']] },
  { id: 'current', title: 'Current', unit: 'A', series: [['current', 'Current']] },
  { id: 'voltage', title: 'Pack voltage', unit: 'V', series: [['voltage', 'Pack voltage']] },
  { id: 'soc', title: 'SOC', unit: '%', series: [['soc', 'SOC']] },
  { id: 'cells', title: 'Cells: lowest to highest', unit: 'V', series: [['cell_min', 'Lowest cell'], ['cell_max', 'Highest cell']], band: true },
  { id: 'cell_delta', title: 'Cell difference', unit: 'mV', series: [['cell_delta', 'Cell difference']], scale: 1000 },
  { id: 'temp_mos', title: 'Temperatures', unit: '°C', series: [['temp_mos', 'MOS'], ['temp_battery_min', 'Battery lowest'], ['temp_battery_max', 'Battery highest']] },
];
const RANGES: [label: string, seconds: number][] = [['1 h', 3600], ['6 h', 6 * 3600], ['24 h', 86400], ['7 d', 7 * 86400], ['30 d', 30 * 86400]];
const COLOURS = ['#2563eb', '#dc2626', '#16a34a'];

const charts: uPlot[] = [];
let resizeHooked = false;

function chartWidth(box: HTMLElement): number {
  return Math.max(200, Math.floor(box.clientWidth));
}

export async function historyPage(app: App, view: HTMLElement, span = 3600): Promise<void> {
  const to = Math.floor(Date.now() / 1000);
  const from = to - span;
  const data = await get<Record<string, (number | null)[]> & { units: Record<string, string> }>(
    `/api/packs/${app.pack}/history?from=${from}&to=${to}&points=1000`);
  charts.splice(0).forEach((c) => c.destroy());
  const t = data.t as number[];
  const ranges = RANGES.map(([label, seconds]) => {
    const b = h('button', { type: 'button', class: seconds === span ? 'on' : '', id: `range-${label.replace(' ', '')}` }, label);
    b.addEventListener('click', () => void historyPage(app, view, seconds));
    return b;
  });
  const columns = CHARTS.flatMap((c) => c.series.map(([name, label]) => ({
    name, unit: data.units[name] ?? '', values: data[name] ?? [], label })));
  const csv = h('button', { type: 'button', id: 'history-csv' }, 'CSV');
  csv.addEventListener('click', () =>
    download(`softbms-pack${app.pack}-${new Date(from * 1000).toISOString().slice(0, 16)}.csv`, historyCsv(t, columns)));
  view.replaceChildren(h('div', { class: 'presets' }, ...ranges, csv),
    h('p', { class: 'label', id: 'history-range' },
      `${localTime(from)} to ${localTime(to)}: ${t.length} point${t.length === 1 ? '' : 's'}${span > 86400 ? `, averages of ${span > 7 * 86400 ? 15 : 1} min from the stored history` : ''}`));
  const win: TimeWindow = { from, to, span };
  for (const c of CHARTS) {
    const box = h('div', { class: 'chart', id: `chart-${c.id}` });
    view.append(box);
    const lines = c.series.map(([name, label], i) => ({
      label, colour: COLOURS[i % COLOURS.length],
      values: (data[name] ?? []).map((v) => (v === null ? null : v * (c.scale ?? 1))) }));
    drawChart(box, `${c.title} (${c.unit})`, c.unit, t, lines, win, c.band);
    if (c.id === 'cells') box.before(cellsToggle(app, box, win));
  }
  if (cellsMode === 'all') void showEveryCell(app, document.getElementById('chart-cells') as HTMLElement, win);
  if (!resizeHooked) {
    resizeHooked = true;
    window.addEventListener('resize', () => charts.forEach((u) => u.setSize({ width: chartWidth(u.root.parentElement as HTMLElement), height: 200 })));
  }
}

interface TimeWindow {
  from: number;
  to: number;
  span: number;
}
interface Line {
  label: string;
  colour: string;
  values: (number | null)[];
}

// One uPlot chart over the chosen window: locale 24 h time in the axis and legend, units in the
// legend names; band = fill between the second and the first line.
function drawChart(box: HTMLElement, title: string, unit: string, t: number[], lines: Line[], w: TimeWindow, band = false): void {
  const digits = unit === 'V' ? 3 : 1;
  const series: uPlot.Series[] = [
    { value: (_u, v) => (v === null ? '—' : localTime(v)) },
    ...lines.map((l) => ({
      label: `${l.label} (${unit})`, stroke: l.colour, spanGaps: false,
      value: (_u: uPlot, v: number | null) => (v === null ? '—' : v.toFixed(digits)),
    }))];
  const opts: uPlot.Options = {
    title, width: chartWidth(box), height: 200, series,
    scales: { x: { time: true, range: () => [w.from, w.to] } }, // the chosen window, not just the data
    axes: [{ values: (_u: uPlot, ticks: number[]) => timeAxisLabels(ticks, w.span), space: 60 }, { size: 56 }],
    legend: { live: true },
    ...(band ? { bands: [{ series: [2, 1] as [number, number], fill: 'rgba(37,99,235,0.15)' }] } : {}),
  };
  charts.push(new uPlot(opts, [t, ...lines.map((l) => l.values)] as uPlot.AlignedData, box));
}

// The cells chart shows the band from the lowest to the highest cell, or every cell's line
// (GET .../history/cells, from the stored history only).
let cellsMode: 'band' | 'all' = 'band';

function cellsToggle(app: App, box: HTMLElement, w: TimeWindow): HTMLElement {
  const band = h('button', { type: 'button', id: 'cells-band', class: cellsMode === 'band' ? 'on' : '' }, 'Lowest to highest');
  const all = h('button', { type: 'button', id: 'cells-all', class: cellsMode === 'all' ? 'on' : '' }, 'Every cell');
  band.addEventListener('click', () => {
    cellsMode = 'band';
    void historyPage(app, document.getElementById('view') as HTMLElement, w.span);
  });
  all.addEventListener('click', () => {
    cellsMode = 'all';
    band.classList.remove('on');
    all.classList.add('on');
    void showEveryCell(app, box, w);
  });
  return h('div', { class: 'presets', id: 'cells-mode' }, band, all);
}

async function showEveryCell(app: App, box: HTMLElement, w: TimeWindow): Promise<void> {
  let data: Record<string, (number | null)[]> & { units: Record<string, string> };
  try {
    data = await get(`/api/packs/${app.pack}/history/cells?from=${w.from}&to=${w.to}&points=1000`);
  } catch (e) {
    box.replaceChildren(h('p', { class: 'label', id: 'cells-missing' },
      `Every cell's history needs the stored history (softbms run --history PATH): ${(e as Error).message}`));
    return;
  }
  const names = Object.keys(data.units).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const index = charts.findIndex((u) => u.root.parentElement === box);
  if (index >= 0) charts.splice(index, 1)[0].destroy();
  box.replaceChildren();
  const lines = names.map((name, i) => ({
    label: `Cell ${name.slice(5)}`, colour: `hsl(${Math.round((i * 360) / names.length)} 70% 42%)`, values: data[name] }));
  drawChart(box, 'Every cell (V)', 'V', data.t as number[], lines, w);
  const csv = h('button', { type: 'button', id: 'cells-csv' }, 'CSV of every cell');
  csv.addEventListener('click', () => download(`softbms-pack${app.pack}-cells.csv`,
    historyCsv(data.t as number[], names.map((name) => ({ name, unit: 'V', values: data[name] })))));
  box.append(csv);
}

function download(name: string, text: string): void {
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.getAttribute('href') ?? ''), 1000);
}

export async function eventsPage(app: App, view: HTMLElement): Promise<void> {
  type Ev = { time: number; text: string; subject: string; origin: string; value: number };
  type Wr = { time: number; who: string; action: string; result: string };
  const r = await get<{ events: Ev[]; writes: Wr[] }>(`/api/packs/${app.pack}/events`);
  // On a phone each row becomes a block of "label value" lines (style.css, table.stack).
  const row = (labels: string[], cells: string[]) =>
    h('tr', {}, ...cells.map((c, i) => h('td', { 'data-label': labels[i] }, c)));
  const table = (id: string, labels: string[], rows: string[][]) =>
    h('table', { id, class: 'stack' }, h('thead', {}, h('tr', {}, ...labels.map((t) => h('th', {}, t)))),
      h('tbody', {}, ...rows.map((cells) => row(labels, cells))));
  view.replaceChildren(
    h('h3', {}, 'Board event log'),
    table('events', ['Time', 'Event', 'Subject', 'By', 'Value'],
      r.events.map((e) => [localTime(e.time), e.text, e.subject, e.origin, String(e.value)])),
    h('h3', {}, 'Changes made through this dashboard'),
    table('writes', ['Time', 'Who', 'What', 'Result'],
      r.writes.map((w) => [localTime(w.time), w.who, w.action, w.result])));
}
