/** The device-filter rule language: Microsoft's documented operators and properties, precedence, null devices, bad rules. */
import { matchesDeviceFilter, parseDeviceFilterRule } from '../../../src/impact/device-filter.js';
import type { DeviceProperties } from '../../../src/impact/sign-in.js';

function matches(rule: string, device: DeviceProperties | undefined): boolean {
  const parsed = parseDeviceFilterRule(rule);
  if (!parsed.ok) throw new Error(parsed.error);
  return matchesDeviceFilter(parsed.expression, device);
}

const laptop: DeviceProperties = {
  displayName: 'FIN-LAPTOP-042', operatingSystem: 'Windows', operatingSystemVersion: '10.0.22631', trustType: 'ServerAD',
  isCompliant: true, model: 'Surface Laptop 5', physicalIds: ['[ZTDId]:abc', '[OrderId]:X'], systemLabels: ['M365Managed'],
};

describe('device filter rules', () => {
  test.each([
    ['device.trustType -eq "ServerAD"', true],
    ['device.TRUSTTYPE -eq "serverad"', true],
    ['device.isCompliant -eq "True"', true],
    ['device.isCompliant -ne True', false],
    ['device.displayName -startsWith "FIN-"', true],
    ['device.displayName -notStartsWith "FIN-"', false],
    ['device.displayName -endsWith "042"', true],
    ['device.displayName -notEndsWith "042"', false],
    ['device.model -contains "Surface"', true],
    ['device.model -notContains "Surface"', false],
    ["device.operatingSystemVersion -in ['10.0.19045', '10.0.22631']", true],
    ['device.operatingSystemVersion -notIn ["10.0.19045"]', true],
    ['device.physicalIds -contains "[ZTDId]:abc"', true],
    ['device.physicalIds -contains "[ZTDId]"', false],
    ['device.systemLabels -notContains "M365Managed"', false],
  ])('%s on a registered laptop → %s', (rule, expected) => {
    expect(matches(rule, laptop)).toBe(expected);
  });

  test('-and binds tighter than -or; parentheses override', () => {
    const rule = 'device.trustType -eq "AzureAD" -and device.isCompliant -eq "False" -or device.operatingSystem -eq "Windows"';
    expect(matches(rule, laptop)).toBe(true);
    expect(matches('device.trustType -eq "AzureAD" -and (device.isCompliant -eq "False" -or device.operatingSystem -eq "Windows")', laptop)).toBe(false);
  });

  test('an unregistered device (no device, or a property absent): positive operators never match, negative ones always do', () => {
    expect(matches('device.extensionAttribute1 -eq "SAW"', undefined)).toBe(false);
    expect(matches('device.extensionAttribute1 -ne "SAW"', undefined)).toBe(true);
    expect(matches('device.deviceOwnership -in ["Company"]', laptop)).toBe(false);
    expect(matches('device.deviceOwnership -notIn ["Company"]', laptop)).toBe(true);
  });

  test.each([
    ['', 'the rule is empty'],
    ['device.trustType -eq "AzureAD', 'unterminated string at character 22'],
    ['device.color -eq "red"', '"color" is not a device property filters support'],
    ['device.trustType -like "Azure*"', '"-like" at character 18 is not a supported operator'],
    ['(device.trustType -eq "AzureAD"', 'the rule ends where ")" was expected'],
    ['device.trustType -eq "AzureAD" -and', 'the rule ends where a comparison or "(" was expected'],
    ['device.trustType -in "AzureAD"', 'expected "[" after -in/-notIn at character 22'],
    ['trustType -eq "AzureAD"', 'expected device.<property> at character 1, found "trustType"'],
    ['device.trustType == "AzureAD"', 'unexpected "=" at character 18'],
    ['device.trustType -eq "A" "B"', 'unexpected "B" at character 26'],
  ])('%j does not parse: %s', (rule, error) => {
    expect(parseDeviceFilterRule(rule)).toEqual({ ok: false, error });
  });
});
