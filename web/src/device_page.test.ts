import { describe, expect, it } from 'vitest';
import { calibrationBody, passwordBody } from './device_page';

describe('calibrationBody', () => {
  it('sends what the meter shows in V or A', () => {
    expect(calibrationBody('voltage', '53.59')).toEqual({ body: { voltage_v: 53.59 } });
    expect(calibrationBody('current', '-20,5')).toEqual({ body: { current_a: -20.5 } });
  });
  it('says what to enter instead of sending nonsense', () => {
    expect(calibrationBody('voltage', '')).toEqual({ error: 'Enter the measured pack voltage in V' });
    expect(calibrationBody('voltage', '-3')).toEqual({ error: 'The pack voltage is above 0 V' });
    expect(calibrationBody('current', 'x')).toEqual({ error: 'Enter the measured current in A (+ = charging)' });
  });
});

describe('passwordBody', () => {
  it('needs the new password twice the same', () => {
    expect(passwordBody('settings', '123456', 'abcd1234', 'abcd1234')).toEqual({
      body: { which: 'settings', old: '123456', new: 'abcd1234' } });
    expect(passwordBody('settings', '123456', 'abcd1234', 'abcd1235')).toEqual({
      error: 'The new password and its repetition differ' });
    expect(passwordBody('connection', '1234', '', '')).toEqual({ error: 'Enter the new password' });
  });
});
