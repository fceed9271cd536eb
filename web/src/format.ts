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

/** Local date and time of a Unix time in seconds, as people read it in a log. */
export function formatTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
