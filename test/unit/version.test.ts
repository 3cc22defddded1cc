import { VERSION } from '../../src/version.js';

test('version comes from package.json', () => {
  expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
});
