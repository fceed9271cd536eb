// Pure formatting helpers: what the pages show for a value. No DOM here, so vitest checks them.

/** "2d 03:04:05" for a runtime in seconds; "00:00:09" below a day. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

/** A number with a fixed count of decimals and its unit; an em dash when there is no value. */
export function formatValue(value: number | null | undefined, decimals: number, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = value.toFixed(decimals);
  return unit ? `${text} ${unit}` : text;
}

/**
 * A state of charge in per mille as a percentage, with the estimator's doubt (one sigma, per
 * mille) beside it when it gives one: "64.3 % ± 3.7 %".
 */
export function socWithDoubt(permille: number | undefined, sigmaPermille?: number): string {
  const soc = formatValue(permille === undefined ? undefined : permille / 10, 1, '%');
  if (soc === '—' || sigmaPermille === undefined || !(sigmaPermille > 0)) return soc;
  return `${soc} ± ${formatValue(sigmaPermille / 10, 1, '%')}`;
}

/** Current with its direction in words (+ = charging, as JK reports it). */
export function currentDirection(amps: number): 'charging' | 'discharging' | 'idle' {
  if (amps > 0.05) return 'charging';
  if (amps < -0.05) return 'discharging';
  return 'idle';
}

export interface AlarmInfo {
  name: string;
  words: string;
}

/** The words for each active alarm name, in the order the board reports them. */
export function alarmWords(active: string[], table: AlarmInfo[]): string[] {
  const words = new Map(table.map((a) => [a.name, a.words]));
  return active.map((name) => words.get(name) ?? name.replace(/_/g, ' '));
}

export interface CellView {
  index: number;
  voltage: number;
  mark: 'lowest' | 'highest' | '';
  balance: 'discharging' | 'charging' | '';
}

/**
 * Marks the lowest and highest cell and which cell the balancer moves charge from
 * (discharging) and to (charging). Indices are 1-based, as on the board's display.
 */
export function cellViews(
  cells: { index: number; voltage: number }[],
  minIndex: number,
  maxIndex: number,
  balanceSource: number | null,
  balanceSink: number | null,
): CellView[] {
  return cells.map((c) => ({
    index: c.index,
    voltage: c.voltage,
    mark: c.index === minIndex ? 'lowest' : c.index === maxIndex ? 'highest' : '',
    balance: c.index === balanceSource ? 'discharging' : c.index === balanceSink ? 'charging' : '',
  }));
}

/** The balancer's state in words, with its current. */
export function balanceText(state: string, amps: number): string {
  if (state === 'off') return 'off';
  const direction = state === 'discharging_cell' ? 'discharging high cell' : 'charging low cell';
  return `${direction}, ${Math.abs(amps).toFixed(2)} A`;
}

/** Only the fields whose value differs from the current settings, as the API takes them. */
export function changedFields(
  form: Record<string, string>,
  current: Record<string, number>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(form)) {
    const trimmed = text.trim();
    if (trimmed === '' || !(name in current)) continue;
    if (Number(trimmed) !== current[name]) out[name] = trimmed;
  }
  return out;
}

/** How old the shown data is: "just now", "12 s ago", "3 min ago", "2 h ago". */
export function ageText(ageSeconds: number): string {
  const s = Math.max(0, Math.floor(ageSeconds));
  if (s < 2) return 'just now';
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** Date and time in the browser's locale with a 24 h clock, for legends and "offline since". */
export function localTime(unixSeconds: number, locale?: string, withDate = true): string {
  const f = new Intl.DateTimeFormat(locale, {
    ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  return f.format(new Date(unixSeconds * 1000));
}

/**
 * Labels for a time axis in the browser's locale, 24 h: "14:05" (with seconds when the ticks
 * are less than a minute apart) within a day or two; over a
 * longer span the date ("7 Dec" / "7. Dez.") at midnight ticks and date with time elsewhere.
 */
export function timeAxisLabels(ticks: number[], spanSeconds: number, locale?: string): string[] {
  const seconds = ticks.length > 1 && ticks[1] - ticks[0] < 60; // ticks closer than a minute
  const clock = new Intl.DateTimeFormat(locale, {
    hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23' });
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' });
  return ticks.map((t) => {
    const d = new Date(t * 1000);
    if (spanSeconds <= 2 * 86400) return clock.format(d);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0;
    return midnight ? date.format(d) : `${date.format(d)}\n${clock.format(d)}`;
  });
}

export interface CsvColumn {
  name: string;
  unit: string;
  values: (number | null)[];
}

/**
 * The charted history as CSV: "time,unix_s,<name> [<unit>],..." with ISO 8601 UTC times and an
 * empty field where there is no value (the same header style as `softbms history export`).
 */
export function historyCsv(t: number[], columns: CsvColumn[]): string {
  const head = ['time', 'unix_s', ...columns.map((c) => (c.unit ? `${c.name} [${c.unit}]` : c.name))];
  const lines = [head.join(',')];
  t.forEach((time, i) => {
    const iso = new Date(time * 1000).toISOString().replace('.000Z', 'Z');
    const cells = columns.map((c) => {
      const v = c.values[i];
      return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
    });
    lines.push([iso, String(time), ...cells].join(','));
  });
  return lines.join('\n') + '\n';
}

/** How fresh a real board's values are (the snapshot's `link`, docs/web.md); absent for a virtual pack. */
export interface LinkInfo {
  live: boolean;
  up: boolean;
  sample_time: number | null;
  age_s: number | null;
  offline_since: number | null;
  error: string | null;
}

/**
 * The status page's line about the age of its values, and whether to show it in red. Ages add
 * the time since the browser received the snapshot, so a stalled stream ages them too and the
 * browser's clock never has to agree with the server's.
 */
export function freshness(o: { link?: LinkInfo; dataTime: number; sinceReceived: number; streamUp: boolean },
  locale?: string): { text: string; stale: boolean } {
  const at = (t: number | null) => (t === null ? '—' : localTime(t, locale, false));
  const l = o.link;
  if (!o.streamUp)
    return { text: `No connection to softbms: data of ${at(o.dataTime)} (${ageText(o.sinceReceived)})`, stale: true };
  if (l && !l.live) {
    const age = ageText((l.age_s ?? 0) + o.sinceReceived);
    if (!l.up) {
      const why = l.error ? `: ${l.error}` : '';
      return { text: `Board offline since ${at(l.offline_since)}${why}; values of ${at(l.sample_time)} (${age})`, stale: true };
    }
    return { text: `Board read at ${at(l.sample_time)} (${age})`, stale: (l.age_s ?? 0) + o.sinceReceived > 10 };
  }
  return { text: `Data of ${at(o.dataTime)} (${ageText(o.sinceReceived)})`, stale: o.sinceReceived > 10 };
}
