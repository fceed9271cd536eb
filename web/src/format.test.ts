import { describe, expect, it } from 'vitest';
import {
  ageText,
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
} from './format';

describe('socWithDoubt', () => {
  it('shows the SOC with the estimator\'s one-sigma doubt beside it', () => {
    expect(socWithDoubt(643, 37)).toBe('64.3 % ± 3.7 %');
  });
  it('shows the SOC alone when there is no doubt to show', () => {
    expect(socWithDoubt(643)).toBe('64.3 %');
    expect(socWithDoubt(643, 0)).toBe('64.3 %');
  });
  it('shows a dash when there is no SOC', () => {
    expect(socWithDoubt(undefined, 37)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('shows hours, minutes and seconds below a day', () => {
    expect(formatDuration(3725)).toBe('01:02:05');
  });
  it('adds days for a long runtime', () => {
    expect(formatDuration(2 * 86400 + 3 * 3600 + 4 * 60 + 5)).toBe('2d 03:04:05');
  });
  it('never shows a negative time', () => {
    expect(formatDuration(-5)).toBe('00:00:00');
  });
});

describe('formatValue', () => {
  it('rounds to the given decimals and appends the unit', () => {
    expect(formatValue(52.9204, 2, 'V')).toBe('52.92 V');
    expect(formatValue(-12.5, 1, 'A')).toBe('-12.5 A');
  });
  it('shows a dash for an absent sensor', () => {
    expect(formatValue(null, 1, '°C')).toBe('—');
    expect(formatValue(Number.NaN, 1)).toBe('—');
  });
});

describe('currentDirection', () => {
  it('follows the JK sign: positive is charging', () => {
    expect(currentDirection(3.2)).toBe('charging');
    expect(currentDirection(-0.5)).toBe('discharging');
    expect(currentDirection(0.01)).toBe('idle');
  });
});

describe('alarmWords', () => {
  const table = [
    { name: 'cell_ovp', words: 'Cell over-voltage' },
    { name: 'mos_otp', words: 'MOSFET over-temperature' },
  ];
  it('turns alarm names into words', () => {
    expect(alarmWords(['mos_otp', 'cell_ovp'], table)).toEqual(['MOSFET over-temperature', 'Cell over-voltage']);
  });
  it('still shows a name the table does not know', () => {
    expect(alarmWords(['new_alarm'], table)).toEqual(['new alarm']);
  });
});

describe('cellViews', () => {
  const cells = [1, 2, 3, 4].map((i) => ({ index: i, voltage: 3.3 + i / 1000 }));
  it('marks the lowest and highest cell and the balancing direction', () => {
    const v = cellViews(cells, 1, 4, 4, 1);
    expect(v.map((c) => c.mark)).toEqual(['lowest', '', '', 'highest']);
    expect(v.map((c) => c.balance)).toEqual(['charging', '', '', 'discharging']);
  });
  it('marks no direction while the balancer is idle', () => {
    expect(cellViews(cells, 2, 3, null, null).every((c) => c.balance === '')).toBe(true);
  });
});

describe('balanceText', () => {
  it('says which way the balancer works and how hard', () => {
    expect(balanceText('discharging_cell', -1.234)).toBe('discharging high cell, 1.23 A');
    expect(balanceText('off', 0)).toBe('off');
  });
});

describe('changedFields', () => {
  it('keeps only values that differ from the current settings', () => {
    expect(changedFields({ cell_ovp: '3650', cell_ovpr: '3400', charge_otp: '60.0' }, {
      cell_ovp: 3600,
      cell_ovpr: 3400,
      charge_otp: 60,
    })).toEqual({ cell_ovp: '3650' });
  });
  it('ignores empty inputs and unknown names', () => {
    expect(changedFields({ cell_ovp: ' ', other: '1' }, { cell_ovp: 3600 })).toEqual({});
  });
});

describe('ageText', () => {
  it('says how old the data is in words', () => {
    expect(ageText(0.4)).toBe('just now');
    expect(ageText(12)).toBe('12 s ago');
    expect(ageText(190)).toBe('3 min ago');
    expect(ageText(3 * 3600 + 5)).toBe('3 h ago');
  });
});

describe('times in the browser locale, 24 h', () => {
  // 2024-05-01 13:05:00 local time, whatever the zone the test runs in.
  const t = new Date(2024, 4, 1, 13, 5, 0).getTime() / 1000;
  it('uses a 24 h clock even where the locale prefers 12 h', () => {
    expect(timeAxisLabels([t, t + 600], 3600, 'en-US')).toEqual(['13:05', '13:15']);
    expect(localTime(t, 'en-US')).toBe('05/01/2024, 13:05:00');
    expect(localTime(t, 'de-DE')).toBe('01.05.2024, 13:05:00');
  });
  it('shows seconds when ticks are closer than a minute', () => {
    expect(timeAxisLabels([t, t + 10], 3600, 'en-US')).toEqual(['13:05:00', '13:05:10']);
  });
  it('shows the date over a week, alone at midnight', () => {
    const midnight = new Date(2024, 4, 2, 0, 0, 0).getTime() / 1000;
    expect(timeAxisLabels([t, midnight], 7 * 86400, 'en-US')).toEqual(['May 1\n13:05', 'May 2']);
  });
});

describe('historyCsv', () => {
  it('writes ISO UTC times, units in the header and empty fields for no value', () => {
    const csv = historyCsv([1714564800, 1714564810], [
      { name: 'power', unit: 'W', values: [120.5, null] },
      { name: 'charge_fet', unit: '', values: [1, 0] },
    ]);
    expect(csv).toBe('time,unix_s,power [W],charge_fet\n' +
      '2024-05-01T12:00:00Z,1714564800,120.5,1\n' +
      '2024-05-01T12:00:10Z,1714564810,,0\n');
  });
});

describe('freshness', () => {
  const t = new Date(2024, 4, 1, 13, 5, 0).getTime() / 1000;
  const board = { live: false, up: true, sample_time: t - 3, age_s: 3, offline_since: null, error: null };
  it('ages a virtual pack by the time since the browser got it', () => {
    expect(freshness({ dataTime: t, sinceReceived: 1, streamUp: true }, 'en-US')).toEqual({ text: 'Data of 13:05:00 (just now)', stale: false });
    expect(freshness({ link: { ...board, live: true }, dataTime: t, sinceReceived: 14, streamUp: true }, 'en-US'))
      .toEqual({ text: 'Data of 13:05:00 (14 s ago)', stale: true });
  });
  it("shows when a real board was read, and that it is away since when and why", () => {
    expect(freshness({ link: board, dataTime: t, sinceReceived: 2, streamUp: true }, 'en-US'))
      .toEqual({ text: 'Board read at 13:04:57 (5 s ago)', stale: false });
    const away = { ...board, up: false, age_s: 40, offline_since: t - 30, error: 'connect 10.0.0.7:8899: Connection refused' };
    expect(freshness({ link: away, dataTime: t, sinceReceived: 0, streamUp: true }, 'en-US')).toEqual({
      text: 'Board offline since 13:04:30: connect 10.0.0.7:8899: Connection refused; values of 13:04:57 (40 s ago)', stale: true });
  });
  it('says so when the dashboard lost softbms itself', () => {
    expect(freshness({ link: board, dataTime: t, sinceReceived: 65, streamUp: false }, 'en-US'))
      .toEqual({ text: 'No connection to softbms: data of 13:05:00 (65 s ago)', stale: true });
  });
});
