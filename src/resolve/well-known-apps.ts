/**
 * Microsoft first-party applications that policies commonly target by appId. A tenant need not
 * hold a service principal for each of them (they appear on first sign-in), so an appId that the
 * directory does not know is accepted when it is one of these, labelled with its name; any other
 * unknown appId is a resolution problem (most likely a typo, or an app of another tenant).
 */
export const WELL_KNOWN_APP_IDS: Readonly<Record<string, string>> = {
  '00000002-0000-0ff1-ce00-000000000000': 'Office 365 Exchange Online',
  '00000003-0000-0ff1-ce00-000000000000': 'Office 365 SharePoint Online',
  '00000004-0000-0ff1-ce00-000000000000': 'Skype for Business Online',
  '00000006-0000-0ff1-ce00-000000000000': 'Microsoft Office 365 Portal',
  '00000002-0000-0000-c000-000000000000': 'Windows Azure Active Directory',
  '00000003-0000-0000-c000-000000000000': 'Microsoft Graph',
  '00000007-0000-0000-c000-000000000000': 'Dataverse',
  '00000009-0000-0000-c000-000000000000': 'Power BI Service',
  '0000000a-0000-0000-c000-000000000000': 'Microsoft Intune',
  '0000000c-0000-0000-c000-000000000000': 'Microsoft App Access Panel',
  '797f4846-ba00-4fd7-ba43-dac1f8f63013': 'Windows Azure Service Management API',
  'd4ebce55-015a-49b5-a083-c84d1797ae8c': 'Microsoft Intune Enrollment',
  'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe': 'Microsoft Teams Services',
  '1fec8e78-bce4-4aaf-ab1b-5451cc387264': 'Microsoft Teams',
  '499b84ac-1321-427f-aa17-267ca6975798': 'Azure DevOps',
  'c44b4083-3bb0-49c1-b47d-974e53cbdf3c': 'Azure Portal',
  '04b07795-8ddb-461a-bbee-02f9e1bf7b46': 'Microsoft Azure CLI',
  '1950a258-227b-4e31-a9cf-717495945fc2': 'Microsoft Azure PowerShell',
  '14d82eec-204b-4c2f-b7e8-296a70dab67e': 'Microsoft Graph Command Line Tools',
  'de8bc8b5-d9f9-48b1-a8ad-b748da725064': 'Graph Explorer',
};

export function wellKnownAppName(appId: string): string | undefined {
  return WELL_KNOWN_APP_IDS[appId.toLowerCase()];
}
