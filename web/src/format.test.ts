import { describe, expect, it } from 'vitest';
import {
  alarmWords,
  balanceText,
  cellViews,
  changedFields,
  currentDirection,
  formatDuration,
  formatValue,
} from './format';

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
