/**
 * `caac emulator --host`: beyond loopback it warns, because the admin endpoints (/_emulator/…)
 * answer anyone without a token (the bundled CLI's stderr: test/e2e/cli-emulator.test.ts).
 */
import { exposureWarning, isLoopbackHost } from '../../src/cli/emulator-command.js';

test.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])('%s is loopback: no warning', (host) => {
  expect(isLoopbackHost(host)).toBe(true);
  expect(exposureWarning(host, 'http://127.0.0.1:1')).toBeUndefined();
});

test.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'fe80::1', 'example.com', '128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com'])('%s is beyond loopback: a warning', (host) => {
  expect(isLoopbackHost(host)).toBe(false);
  const warning = exposureWarning(host, 'http://0.0.0.0:8080');
  expect(warning).toBe(
    `warning: --host ${host} binds the emulator beyond loopback. The emulator's admin endpoints (/_emulator/…) have no authentication: ` +
      "anyone who can reach http://0.0.0.0:8080 can read and replace the tenant (GET/PUT /_emulator/state), reset it and inject faults. Keep the default --host 127.0.0.1 unless the network is yours alone",
  );
});
