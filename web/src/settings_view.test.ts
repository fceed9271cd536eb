import { describe, expect, it } from 'vitest';
import type { ParamInfo } from './api';
import { displayUnit, fromDisplay, groupParams, paramLabel, rangeText, toDisplay } from './settings_view';

const param = (name: string, unit: string, min: number, max: number): ParamInfo =>
  ({ name, unit, min, max, defaults: {}, description: '' });

describe('settings groups and labels', () => {
  it('uses the JK app labels and groups, in the app order', () => {
    expect(paramLabel('cell_ovp')).toEqual({ group: 'Cell voltage protection', label: 'Cell OVP' });
    expect(paramLabel('charge_ocp_current').label).toBe('Max Charge Curr.');
    const groups = groupParams([param('charge_otp', '°C', -40, 100), param('cell_count', '', 8, 16), param('cell_uvp', 'mV', 1000, 5000)]);
    expect(groups.map((g) => g.group)).toEqual(['Battery', 'Cell voltage protection', 'Temperature protection']);
  });
  it('puts a parameter it does not know under Other with a readable name', () => {
    expect(paramLabel('new_thing')).toEqual({ group: 'Other', label: 'new thing' });
  });
});

describe('values in the app units', () => {
  const ovp = param('cell_ovp', 'mV', 1000, 5000);
  const ocp = param('charge_ocp_current', 'mA', 1000, 200000);
  it('shows volts and amps and takes them back exactly', () => {
    expect(toDisplay(ovp, 3650)).toBe('3.65');
    expect(displayUnit(ovp)).toBe('V');
    expect(fromDisplay(ovp, '3.65')).toEqual({ value: 3650 });
    expect(fromDisplay(ovp, '0.012')).toEqual({ value: 12 }); // 0.012 * 1000 is 12.000000000000002
    expect(fromDisplay(ocp, '100')).toEqual({ value: 100000 });
    expect(fromDisplay(ovp, '3,6')).toEqual({ value: 3600 });
  });
  it('refuses what the board cannot store, naming the field', () => {
    expect(fromDisplay(ovp, '3.6505')).toEqual({ error: 'Cell OVP: at most 3 decimals in V' });
    expect(fromDisplay(ovp, 'abc')).toEqual({ error: "Cell OVP: 'abc' is not a number" });
    expect(fromDisplay(ovp, '')).toHaveProperty('error');
  });
  it('shows the model range in the app units', () => {
    expect(rangeText(ocp)).toBe('1.000 to 200.000 A');
    expect(rangeText(param('cell_count', '', 8, 16))).toBe('8 to 16');
    expect(rangeText(param('wire_resistance_alarm', 'mOhm', 10, 1000))).toBe('10 to 1000 mΩ');
  });
});
