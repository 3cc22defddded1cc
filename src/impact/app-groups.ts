/**
 * The application groups Conditional Access policies may name: `Office365` and
 * `MicrosoftAdminPortals`. Members are listed by Microsoft, by name:
 * - Office365: learn.microsoft.com/entra/identity/conditional-access/reference-office-365-application-contents
 * - MicrosoftAdminPortals: learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps#microsoft-admin-portals
 * Ids are given where they are Microsoft's well-known first-party appIds; a member without one is
 * matched by its name (`app:<name>`). Microsoft adds members over time: an app missing here is
 * treated as outside the group (docs/impact.md).
 */

export interface GroupMember {
  name: string;
  appId?: string;
}

export const OFFICE_365_MEMBERS: readonly GroupMember[] = [
  { name: 'Office 365 Exchange Online', appId: '00000002-0000-0ff1-ce00-000000000000' },
  { name: 'Office 365 SharePoint Online', appId: '00000003-0000-0ff1-ce00-000000000000' },
  { name: 'Skype for Business Online', appId: '00000004-0000-0ff1-ce00-000000000000' },
  { name: 'Viva Engage', appId: '00000005-0000-0ff1-ce00-000000000000' },
  { name: 'Microsoft Office 365 Portal', appId: '00000006-0000-0ff1-ce00-000000000000' },
  { name: 'Microsoft Teams Services', appId: 'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe' },
  { name: 'Microsoft Teams', appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264' },
  { name: 'OfficeHome', appId: '4765445b-32c6-49b0-83e6-1d93765276ca' },
  { name: 'Microsoft Forms', appId: 'c9a559d2-7aab-4f13-a6ed-e7e9c52aec87' },
  { name: 'Sway', appId: '905fcf26-4eb7-48a0-9ff0-8dcc7194b5ba' },
  { name: 'OneNote', appId: '2d4d3d8e-2be3-4bef-9f87-7875a61c29de' },
  { name: 'Microsoft Office', appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c' },
  ...[
    'Microsoft Planner', 'Microsoft Stream Portal', 'Microsoft Stream Service', 'Office Delve', 'OneDrive', 'OneDrive SyncEngine',
    'Office Online Service', 'Office.com', 'One Outlook Web', 'Outlook Service for Exchange', 'PowerApps Service',
    'Microsoft Flow Portal', 'Microsoft To-Do web app', 'Microsoft Whiteboard Services', 'Office 365 Search Service',
    'Office 365 Exchange Microservices', 'Microsoft Exchange Online Protection', 'Skype Presence Service', 'Loop',
    'Microsoft Teams Web Client', 'Microsoft Teams Chat Aggregator', 'Office 365',
  ].map((name) => ({ name })),
];

export const ADMIN_PORTALS_MEMBERS: readonly GroupMember[] = [
  { name: 'Azure portal', appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c' },
  { name: 'Exchange admin center' },
  { name: 'Microsoft 365 admin center' },
  { name: 'Microsoft 365 Defender portal' },
  { name: 'Microsoft Entra admin center' },
  { name: 'Microsoft Intune admin center' },
  { name: 'Microsoft Purview portal' },
  { name: 'Microsoft Teams admin center' },
];

export const APP_GROUPS: Readonly<Record<'Office365' | 'MicrosoftAdminPortals', readonly GroupMember[]>> = {
  Office365: OFFICE_365_MEMBERS,
  MicrosoftAdminPortals: ADMIN_PORTALS_MEMBERS,
};

/** The well-known member a string names (appId or `app:<name>`), if any. */
export function knownApp(value: string): GroupMember | undefined {
  const key = value.trim().toLowerCase();
  const name = key.startsWith('app:') ? key.slice(4).trim() : undefined;
  for (const members of Object.values(APP_GROUPS)) {
    const hit = members.find((m) => (m.appId !== undefined && m.appId === key) || (name !== undefined && m.name.toLowerCase() === name));
    if (hit) return hit;
  }
  return undefined;
}

/** Whether the app (appId, `app:<name>`, or the group keyword itself) belongs to the group. */
export function inAppGroup(group: 'Office365' | 'MicrosoftAdminPortals', app: string): boolean {
  if (app.trim().toLowerCase() === group.toLowerCase()) return true;
  const member = knownApp(app);
  return member !== undefined && APP_GROUPS[group].includes(member);
}
