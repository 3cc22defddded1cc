import { parse as parseYaml } from 'yaml';
import { adaptWorkflow, caacYml, checkDir, suggestEmergencyAccess } from '../../src/commands/init.js';
import { ConfigurationError } from '../../src/errors.js';
import type { JsonObject } from '../../src/model/documents.js';

const policy = (state: string, excludeUsers: string[], excludeGroups: string[] = []): JsonObject => ({
  displayName: 'p',
  state,
  conditions: { users: { includeUsers: ['All'], excludeUsers, excludeGroups } },
});

describe('suggestEmergencyAccess', () => {
  test('what more than half of the enabled policies exclude, most first; report-only and disabled policies and keywords do not count', () => {
    const s = suggestEmergencyAccess([
      policy('enabled', ['user:bg1@contoso.com', 'GuestsOrExternalUsers'], ['group:BG']),
      policy('enabled', ['user:BG1@contoso.com'], ['group:BG', 'group:Pilot']),
      policy('enabled', ['user:svc@contoso.com'], ['group:BG']),
      policy('enabledForReportingButNotEnforced', ['user:svc@contoso.com'], ['group:Pilot']),
      policy('disabled', ['user:svc@contoso.com'], ['group:Pilot']),
    ]);
    expect(s).toEqual({
      enabledPolicies: 3,
      accounts: [
        { reference: 'group:BG', kind: 'group', excludedBy: 3 },
        { reference: 'user:bg1@contoso.com', kind: 'user', excludedBy: 2 },
      ],
    });
  });

  test('half is not most: nothing is suggested', () => {
    expect(suggestEmergencyAccess([policy('enabled', ['user:a@x']), policy('enabled', [])]).accounts).toEqual([]);
  });
});

describe('caacYml', () => {
  test('the suggestion stays a comment, and a hostile name stays on its line', () => {
    const text = caacYml({ enabledPolicies: 2, accounts: [{ reference: 'group:x\nemergencyAccess: {users: [evil]}', kind: 'group', excludedBy: 2 }] });
    expect(parseYaml(text)).toEqual({ prune: false });
    expect(text).toContain('#     - "group:x\\nemergencyAccess: {users: [evil]}"  # excluded by 2 of 2 enabled policies');
  });

  test('uncommented, the suggestion is valid YAML with the references', () => {
    const text = caacYml({ enabledPolicies: 19, accounts: [{ reference: 'user:bg@contoso.com', kind: 'user', excludedBy: 17 }, { reference: 'group:BG "1"', kind: 'group', excludedBy: 19 }] });
    const block = text.split('\n').filter((l) => /^# {0,5}(emergencyAccess:|users:|groups:|- )/.test(l)).map((l) => l.slice(2)).join('\n');
    expect(parseYaml(block)).toEqual({ emergencyAccess: { users: ['user:bg@contoso.com'], groups: ['group:BG "1"'] } });
  });
});

describe('checkDir and adaptWorkflow', () => {
  test('a folder inside the repository, in characters a workflow can hold', () => {
    expect(checkDir('./ca/')).toBe('ca');
    for (const bad of ['', '.', '..', '../x', '/abs', 'C:/x', 'a//b', 'a b', "a'b", 'x/.git']) expect(() => checkDir(bad)).toThrow(ConfigurationError);
  });

  test('replaces the folder, not the action owner', () => {
    expect(adaptWorkflow("paths: ['conditional-access/**']\nuses: conditional-access-as-code/caac/actions/plan@v0\ndir: conditional-access\n", 'ca')).toBe(
      "paths: ['ca/**']\nuses: conditional-access-as-code/caac/actions/plan@v0\ndir: ca\n",
    );
  });
});
